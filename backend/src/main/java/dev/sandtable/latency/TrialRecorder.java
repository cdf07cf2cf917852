package dev.sandtable.latency;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.e2b.client.ConnectRpcException;
import dev.sandtable.e2b.client.StreamListener;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Records one stream call: when the headers and each frame arrived, what each frame was, and how it ended; tells the
 * {@link ProbeListener} as they come; lets the probe wait (with a deadline) for a frame or the end.
 */
final class TrialRecorder implements StreamListener {
    private final String endpoint;
    private final StreamKind kind;
    private final int iteration;
    private final boolean evidence;
    private final ProbeListener listener;
    private final long t0 = System.nanoTime();
    /** The epoch instant of {@link #t0}, to map timestamps a command prints onto this trial's clock. */
    private final long t0EpochNanos;
    private final double startedMs;
    private final List<Frame> frames = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private volatile BiFunction<String, String, Double> produced = (k, d) -> null;
    private Double headersMs;
    private Double endedMs;
    private Trial.Ending ending;
    private String error;
    private double clientDeadlineMs = Double.MAX_VALUE;
    private boolean closed;

    TrialRecorder(String endpoint, StreamKind kind, int iteration, boolean evidence, ProbeListener listener, long runT0) {
        this.endpoint = endpoint;
        this.kind = kind;
        this.iteration = iteration;
        this.evidence = evidence;
        this.listener = listener;
        Instant now = Instant.now();
        this.t0EpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        this.startedMs = (t0 - runT0) / 1e6;
        Listeners.call(() -> listener.trialStarted(endpoint, kind, iteration, evidence));
    }

    /** Milliseconds since this trial's request. */
    double now() {
        return (System.nanoTime() - t0) / 1e6;
    }

    /** A printed epoch timestamp (nanoseconds) on this trial's clock, in milliseconds. */
    double fromEpochNanos(long epochNanos) {
        return (epochNanos - t0EpochNanos) / 1e6;
    }

    /** How to tell a frame's production instant from its kind and detail (null: unknown). */
    void producedBy(BiFunction<String, String, Double> f) {
        produced = f;
    }

    private volatile double ownStreamOpenedMs;

    /** The trial's own stream is being opened now (frames before came from a long-lived stream lent to it). */
    void ownStreamOpened() {
        ownStreamOpenedMs = now();
    }

    double ownStreamOpenedMs() {
        return ownStreamOpenedMs;
    }

    synchronized void clientDeadline(double ms) {
        clientDeadlineMs = ms;
    }

    @Override
    public synchronized void onResponse(int status, HttpHeaders headers) {
        headersMs = now();
        notifyAll();
    }

    @Override
    public void onMessage(JsonNode message) {
        JsonNode body = message.has("event") ? message.path("event") : message;
        Iterator<String> names = body.fieldNames();
        String k = names.hasNext() ? names.next() : "empty";
        frame(k, detail(k, body.path(k)));
    }

    /** A frame of kind {@code k} arrived now (execd's SSE events and polled watch events come this way). */
    void frame(String k, String detail) {
        double at = now();
        Frame f = new Frame(k, produced.apply(k, detail), at, detail);
        synchronized (this) {
            if (closed) return; // after the trial was reported: a late frame of a cancelled stream
            frames.add(f);
            if (k.equals("data") || k.equals("stdout") || k.equals("output")) text.append(detail);
            notifyAll();
        }
        Listeners.call(() -> listener.frameArrived(endpoint, kind, iteration, f));
    }

    /** The response headers arrived now (a stream that is not Connect's). */
    synchronized void headers() {
        headersMs = now();
        notifyAll();
    }

    /** The server ended the stream now (null), or it failed with {@code error}. */
    synchronized void ended(String error) {
        if (ending != null) return;
        endedMs = now();
        if (error == null) ending = Trial.Ending.SERVER;
        else {
            ending = Trial.Ending.ERROR;
            this.error = error;
        }
        notifyAll();
    }

    @Override
    public void onEnd(ConnectRpcException e) {
        double at = now();
        synchronized (this) {
            endedMs = at;
            if (e == null) ending = Trial.Ending.SERVER;
            else if ("deadline_exceeded".equals(e.connectCode()) && at >= clientDeadlineMs - 1) {
                ending = Trial.Ending.CLIENT_DEADLINE;
                error = e.getMessage() + (headersMs == null ? " with no response at all (not even headers): the stream never started"
                        : " after the response headers (at " + Math.round(headersMs) + " ms) but before its end");
            } else if ("deadline_exceeded".equals(e.connectCode())) {
                ending = Trial.Ending.SERVER; // the deadline the probe asked the server for
            } else {
                ending = Trial.Ending.ERROR;
                error = e.getMessage();
            }
            notifyAll();
        }
    }

    /** Marks a stream this side cancelled (does nothing when it had already ended). */
    synchronized void cancelled() {
        if (ending == null) {
            ending = Trial.Ending.CANCELLED;
            endedMs = now();
        }
    }

    /** Marks a stream that should have ended by now (the server was asked to end it) but had not. */
    synchronized void deadlinePassed() {
        if (ending == null) {
            ending = Trial.Ending.CLIENT_DEADLINE;
            endedMs = now();
            error = headersMs == null ? "no response at all (not even headers) by the deadline: the stream never started"
                    : "the stream did not end by its deadline";
        }
    }

    synchronized boolean headersArrived() {
        return headersMs != null;
    }

    /** Marks a failure of the probe's own calls (a write, an input) that ended the trial. */
    synchronized void failed(String why) {
        if (ending == null || ending == Trial.Ending.CANCELLED || ending == Trial.Ending.SERVER) {
            ending = Trial.Ending.ERROR;
            if (endedMs == null) endedMs = now();
        }
        if (error == null) error = why;
    }

    /** Waits for the first frame (in arrival order) matching {@code p}; null at the stream's end or the deadline. */
    synchronized Frame await(Predicate<Frame> p, long deadlineNanos) throws InterruptedException {
        int seen = 0;
        while (true) {
            for (; seen < frames.size(); seen++) if (p.test(frames.get(seen))) return frames.get(seen);
            if (ending != null) return null;
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) return null;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits until the data received so far contains {@code s}; returns the frame that completed it, or null. */
    synchronized Frame awaitText(String s, long deadlineNanos) throws InterruptedException {
        while (true) {
            if (text.indexOf(s) >= 0) return frames.getLast();
            if (ending != null) return null;
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) return null;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /**
     * {@code f}, or the reason there is none as a failure: the stream's error, its end, no response at all, or the
     * deadline ({@code timeoutMs}) passed.
     */
    Frame need(Frame f, String what, long timeoutMs) {
        if (f != null) return f;
        String err = error();
        throw new dev.sandtable.spi.SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, err != null ? err
                : ended() ? "the stream ended before " + what
                : !headersArrived() ? "no response at all (not even headers) within " + timeoutMs
                + " ms: the stream never started (deadline passed)"
                : "no " + what + " within " + timeoutMs + " ms (deadline passed)");
    }

    /** Waits for the stream's end; false at the deadline. */
    synchronized boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        while (ending == null) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) return false;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    synchronized String error() {
        return error;
    }

    synchronized boolean ended() {
        return ending != null;
    }

    synchronized Trial trial(Map<String, Double> measurements) {
        Trial.Ending e = ending;
        Double end = endedMs;
        if (e == null) {
            e = Trial.Ending.CLIENT_DEADLINE;
            end = null;
        }
        closed = true;
        Trial t = new Trial(evidence ? -1 : iteration, evidence, startedMs, headersMs, frames, end, e, error, measurements);
        Listeners.call(() -> listener.trialFinished(endpoint, kind, t));
        return t;
    }

    static String detail(String kind, JsonNode n) {
        return switch (kind) {
            case "start" -> n.has("pid") ? "pid " + n.path("pid").asText() : "";
            case "data" -> {
                for (String f : new String[]{"pty", "stdout", "stderr"})
                    if (n.has(f)) yield new String(Base64.getDecoder().decode(n.path(f).asText()), StandardCharsets.UTF_8);
                yield "";
            }
            case "filesystem" -> n.path("name").asText() + " " + n.path("type").asText().replace("EVENT_TYPE_", "");
            case "end" -> n.path("status").asText(n.toString());
            default -> "";
        };
    }
}
