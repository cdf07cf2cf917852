package dev.sandtable.latency;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.e2b.client.ConnectRpcException;
import dev.sandtable.e2b.client.ConnectStream;
import dev.sandtable.e2b.client.StreamListener;

/**
 * A stream that stays open across iterations (the probe's terminal, its watch), as an SDK keeps one: each iteration
 * lends it its recorder, so the frames land in that iteration's trial. When it ends, the recorder of the moment hears
 * why and the next iteration opens a new one.
 */
final class SessionStream implements StreamListener {
    private volatile TrialRecorder current;
    private volatile String ended;
    private volatile boolean started;
    private ConnectStream stream;

    void attach(ConnectStream s) {
        stream = s;
    }

    /** Frames go to {@code r} until the next lend (null: nobody). */
    void lend(TrialRecorder r) {
        current = r;
    }

    boolean open() {
        return ended == null && stream != null && stream.isOpen();
    }

    boolean started() {
        return started;
    }

    String ended() {
        return ended;
    }

    @Override
    public void onMessage(JsonNode message) {
        JsonNode body = message.has("event") ? message.path("event") : message;
        if (body.has("start")) started = true;
        TrialRecorder r = current;
        if (r != null) r.onMessage(message);
    }

    @Override
    public void onEnd(ConnectRpcException error) {
        ended = error == null ? "the stream ended" : error.getMessage();
        TrialRecorder r = current;
        if (r != null) r.failed("the long-lived stream ended: " + ended);
    }

    void close() {
        ConnectStream s = stream;
        if (s != null) s.cancel();
    }
}
