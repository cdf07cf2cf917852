package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.dirwatch.AbstractDirectoryWatch;
import dev.sandtable.e2b.client.ConnectClient;
import dev.sandtable.e2b.client.ConnectRpcException;
import dev.sandtable.e2b.client.ConnectStream;
import dev.sandtable.e2b.client.StreamListener;
import dev.sandtable.e2b.client.StreamOptions;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** {@code filesystem.Filesystem/WatchDir} as a {@link DirectoryWatch}: events and stream states go to the listener. */
final class E2bDirectoryWatch extends AbstractDirectoryWatch implements StreamListener {
    private final CompletableFuture<DirectoryWatch> started = new CompletableFuture<>();
    private final long t0 = System.nanoTime();
    private volatile ConnectStream stream;

    private E2bDirectoryWatch(WatchRequest request, WatchListener listener, Clock clock) {
        super(request, listener, clock);
    }

    static CompletableFuture<DirectoryWatch> start(ConnectClient envd, WatchRequest request, WatchListener listener,
                                                   int keepaliveSeconds, Clock clock) {
        E2bDirectoryWatch w = new E2bDirectoryWatch(request, listener, clock);
        listener.onState(new WatchState.Connecting(clock.instant()));
        ObjectNode body = E2bApi.object().put("path", request.path());
        if (request.recursive()) body.put("recursive", true);
        w.stream = envd.stream("filesystem.Filesystem/WatchDir", body, StreamOptions.keepalive(keepaliveSeconds), w);
        return w.started;
    }

    @Override
    public void onMessage(JsonNode m) {
        Instant now = clock.instant();
        if (m.has("start")) {
            listener.onState(new WatchState.Started(now, Duration.ofNanos(System.nanoTime() - t0)));
            started.complete(this);
        } else if (m.has("filesystem")) {
            JsonNode fs = m.get("filesystem");
            FsEvent.FsEventType type = type(fs.path("type"));
            if (type == null) return; // unspecified or unknown: dropped, as the SDK does
            Instant changed = E2bMapping.time(fs.path("entry"), "modifiedTime");
            Duration latency = changed == null || changed.isAfter(now) ? null : Duration.between(changed, now);
            listener.onEvent(new FsEvent(now, type, fs.path("name").asText(), latency));
        } else if (m.has("keepalive")) {
            listener.onState(new WatchState.Keepalive(now));
        }
    }

    static FsEvent.FsEventType type(JsonNode t) {
        if (t.isNumber()) {
            return switch (t.asInt()) {
                case 1 -> FsEvent.FsEventType.CREATE;
                case 2 -> FsEvent.FsEventType.WRITE;
                case 3 -> FsEvent.FsEventType.REMOVE;
                case 4 -> FsEvent.FsEventType.RENAME;
                case 5 -> FsEvent.FsEventType.CHMOD;
                default -> null;
            };
        }
        return switch (t.asText().toUpperCase(Locale.ROOT).replace("EVENT_TYPE_", "")) {
            case "CREATE" -> FsEvent.FsEventType.CREATE;
            case "WRITE" -> FsEvent.FsEventType.WRITE;
            case "REMOVE" -> FsEvent.FsEventType.REMOVE;
            case "RENAME" -> FsEvent.FsEventType.RENAME;
            case "CHMOD" -> FsEvent.FsEventType.CHMOD;
            default -> null;
        };
    }

    @Override
    public void onEnd(ConnectRpcException error) {
        SandtableException e = error;
        if (e == null && !started.isDone())
            e = new SandtableException(dev.sandtable.spi.ErrorCode.INTERNAL, "the watch ended before it started");
        if (e != null) endAndFail(started, e);
        else end(null);
    }

    @Override
    protected void stop() {
        ConnectStream s = stream;
        if (s != null) s.cancel();
    }
}
