package dev.sandtable.latency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.json.Json;
import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.opensandbox.ExecdDirectoryWatch;
import dev.sandtable.opensandbox.ExecdPty;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The probes of one endpoint's execd (OpenSandbox). Streams are {@code POST /command} SSE: an evidence trial runs a
 * script printing at 1/4, 1/2 and 1 of the window and ending at 5/4 of it (execd ends the stream after the command,
 * plus its grace of about 1 s). execd has no directory watch: the watch probe times the polling fallback
 * ({@link ExecdDirectoryWatch}), whose interval is its resolution and is said in every verdict's reason.
 */
final class ExecdProbes extends ProbeTrials<ExecdSession.Stream> {
    static final Map<String, String> DESCRIPTIONS = Map.of(
            "start", "request sent -> init event arrived",
            "complete", "request sent -> execution_complete event arrived (background command)",
            "event", "file upload sent (POST /files/upload) -> the polling watch's event",
            "list", "GET /directories/list sent -> the polling watch's first listing (its start)",
            "interval", "time between successive ping events (execd pings every 3 s)",
            "create", "POST /pty sent -> the WebSocket's connected frame (GET /pty/{id}/ws)",
            "echo", "stdin frame with a unique marker sent -> its echo arrived (on one long-lived PTY)");
    /** How long execd keeps a command stream open after the command (its default graceful-shutdown timeout). */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final ExecdSession s;
    private final String dir;
    private final Duration watchInterval;
    private final String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private volatile TrialRecorder watchBorrower;
    private final Map<String, Double> written = new ConcurrentHashMap<>();
    private DirectoryWatch watch;

    ExecdProbes(ExecdSession s, ProbeSettings settings, ProbeListener listener, long runT0, String dir, Duration watchInterval) {
        super(s.label, Protocol.EXECD, DESCRIPTIONS, settings, listener, runT0);
        this.s = s;
        this.dir = dir;
        this.watchInterval = watchInterval;
    }

    @Override
    public Thresholds thresholds(StreamKind kind, Thresholds base) {
        return kind == StreamKind.WATCHDIR ? base.withDelayedMs(base.delayedMs() + watchInterval.toMillis()) : base;
    }

    @Override
    public String caveat(StreamKind kind) {
        if (kind != StreamKind.WATCHDIR) return null;
        long ms = watchInterval.toMillis();
        return "polling fallback, resolution " + ms + " ms: execd has no directory watch, so GET /directories/list is read every "
                + ms + " ms; an event arrives up to " + ms + " ms after the write and changes within one interval merge "
                + "(DELAYED only above " + Math.round(settings.thresholds().delayedMs() + ms) + " ms); unary calls, nothing a proxy can buffer";
    }

    private ExecdSession.Stream open(TrialRecorder r, ObjectNode body) {
        r.ownStreamOpened();
        return opened(s.stream("/command", body, r));
    }

    private static ObjectNode command(String command, long timeoutMs, boolean background) {
        ObjectNode b = Json.mapper().createObjectNode().put("command", command);
        if (background) b.put("background", true);
        return b.put("timeout", timeoutMs);
    }

    @Override
    protected void cancel(ExecdSession.Stream stream) {
        stream.cancel();
    }

    @Override
    protected void probe(StreamKind kind, TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        switch (kind) {
            case START -> start(r, m, evidence);
            case BACKGROUND -> background(r, m, evidence);
            case KEEPALIVE -> keepalive(r, m);
            case WATCHDIR -> watchDir(r, m);
            case PTY -> {
                pty(r, m, evidence);
                r.cancelled(); // this side closes the WebSocket once it has what it needs
            }
            default -> throw new SandtableException(ErrorCode.UNSUPPORTED, "execd has no " + kind.cliName() + " probe");
        }
    }

    /** Waits for a stream execd ends by itself (its command ends after {@code runs}, then the grace); past that it failed. */
    private void awaitServerEnd(TrialRecorder r, Duration runs) throws InterruptedException {
        if (!r.awaitEnd(deadline(runs.plus(GRACE).plusMillis(500)))) r.deadlinePassed();
    }

    // ---------------------------------------------------------------- POST /command

    private void start(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        if (evidence) {
            long[] at = scheduleMs();
            Duration runs = Duration.ofMillis(at[2] + at[0]);
            r.producedBy(Printer.producedBy(r, at, 0, "stdout"));
            String script = Printer.script(at) + String.format(Locale.ROOT, "sleep %.3f", at[0] / 1000.0);
            open(r, command(script, runs.toMillis() + settings.callTimeout().toMillis(), false));
            awaitServerEnd(r, runs);
            Frame init = r.await(f -> f.kind().equals("init"), 0);
            if (init != null) m.put("start", init.arrivedMs());
            return;
        }
        open(r, command("sleep 30", 30_000, false));
        Frame init = need(r.await(f -> f.kind().equals("init"), deadline(null)), r, "init event");
        m.put("start", init.arrivedMs());
    }

    private void background(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        open(r, command("sleep 5", 5_000, true));
        if (evidence) awaitServerEnd(r, Duration.ZERO); // the whole stream: a proxy holding it shows as "held until the end"
        Frame init = need(r.await(f -> f.kind().equals("init"), deadline(null)), r, "init event");
        m.put("start", init.arrivedMs());
        Frame done = need(r.await(f -> f.kind().equals("execution_complete"), deadline(null)), r, "execution_complete event");
        m.put("complete", done.arrivedMs());
    }

    private void keepalive(TrialRecorder r, Map<String, Double> m) throws InterruptedException {
        // execd pings at init and every 3 s after; the command ends just after the last ping listened for
        Duration runs = Duration.ofMillis(settings.keepalives() * Protocol.EXECD.keepaliveMs() + 500);
        open(r, command(String.format(Locale.ROOT, "sleep %.3f", runs.toMillis() / 1000.0), runs.toMillis() + 5_000, false));
        awaitServerEnd(r, runs);
        Frame init = r.await(f -> f.kind().equals("init"), 0);
        if (init != null) m.put("start", init.arrivedMs());
    }

    // ---------------------------------------------------------------- the polling watch

    private final WatchListener watchListener = new WatchListener() {
        @Override
        public void onEvent(FsEvent e) {
            TrialRecorder r = watchBorrower;
            if (r != null) r.frame("filesystem", e.path() + " " + e.type());
        }
    };

    private void watchDir(TrialRecorder r, Map<String, Double> m) throws InterruptedException {
        r.producedBy((k, d) -> k.equals("filesystem") ? written.get(d.split(" ")[0]) : null);
        if (watch == null || !watch.isOpen()) watch = startWatch(watchListener);
        String name = "w" + id + "-" + r.hashCode();
        Runnable upload = s.prepareUpload(dir + "/" + name, "x");
        // at a random phase of the polling: each iteration waits about one interval for its event, so writing right
        // after it would always land just after a poll and measure the whole interval instead of its spread
        Thread.sleep(ThreadLocalRandom.current().nextLong(watchInterval.toMillis() + 1));
        watchBorrower = r;
        try {
            double sent = r.now();
            written.put(name, sent);
            upload.run();
            Frame ev = need(r.await(f -> f.kind().equals("filesystem") && f.detail().startsWith(name + " "),
                    deadline(watchInterval)), r, "the polling watch's event for " + name);
            m.put("event", ev.arrivedMs() - sent);
        } finally {
            watchBorrower = null;
        }
        double t = r.now();
        startWatch(e -> { }).close();
        m.put("list", r.now() - t);
    }

    private DirectoryWatch startWatch(WatchListener l) throws InterruptedException {
        return CallWait.awaitInterruptibly(ExecdDirectoryWatch.start(s.client(), new WatchRequest(dir, false), l, watchInterval, Clock.systemUTC()),
                settings.callTimeout(), s.label, "the polling watch's first GET /directories/list", SandtableException::of);
    }

    // ---------------------------------------------------------------- PTY (WebSocket, not in execd-api.yaml)

    /** A PTY session and its WebSocket, its output going to whichever recorder is lent it. */
    private final class Terminal implements ExecdPty.Listener {
        final String sessionId;
        volatile TrialRecorder current;
        volatile ExecdPty pty;
        volatile String ended;

        Terminal(String sessionId, TrialRecorder first) {
            this.sessionId = sessionId;
            this.current = first;
        }

        @Override
        public void output(byte[] bytes) {
            TrialRecorder r = current;
            if (r != null) r.frame("output", new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void exit(int code) {
            ended = "the program exited with " + code;
        }

        @Override
        public void closed(int status, String reason, SandtableException failure) {
            if (ended == null) ended = failure != null ? failure.getMessage() : "the WebSocket closed (" + status + " " + reason + ")";
            TrialRecorder r = current;
            if (r != null) r.failed("the PTY's WebSocket ended: " + ended);
        }

        boolean open() {
            return ended == null && pty != null;
        }

        void close() {
            ExecdPty p = pty;
            if (p != null) p.close();
            try {
                s.client().deletePty(sessionId).get(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // the sandbox may be gone
            }
        }
    }

    /** {@code POST /pty} of {@code cat}, then its WebSocket; {@code r} records the {@code connected} frame. */
    private Terminal openTerminal(TrialRecorder r) throws InterruptedException {
        ExecdClient c = s.client();
        if (r != null) r.ownStreamOpened();
        String sid = awaitPty(c.createPty(null, "cat"), "POST /pty");
        Terminal t = new Terminal(sid, r);
        terminals.add(t);
        t.pty = awaitPty(c.connectPty(sid, ExecdPty.Options.pty(), t).whenComplete((p, e) -> {
            if (e == null && r != null) {
                r.headers();
                r.frame("connected", p.mode());
            }
        }), "GET /pty/" + sid + "/ws");
        return t;
    }

    private <T> T awaitPty(java.util.concurrent.CompletableFuture<T> f, String what) throws InterruptedException {
        return CallWait.awaitInterruptibly(f, settings.callTimeout(), s.label, what, failure -> {
            SandtableException x = SandtableException.of(failure);
            return x.code() == ErrorCode.NOT_FOUND || x.code() == ErrorCode.UNSUPPORTED
                    ? new SandtableException(ErrorCode.UNSUPPORTED, s.label + ": this execd has no PTY routes (" + what + ": " + x.getMessage() + ")", x)
                    : x;
        });
    }

    private final java.util.List<Terminal> terminals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Terminal shared;

    private void pty(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        Map<String, Double> sent = new ConcurrentHashMap<>();
        r.producedBy((k, d) -> {
            if (!k.equals("output")) return null;
            for (var e : sent.entrySet()) if (d.contains(e.getKey())) return e.getValue();
            return null;
        });
        if (evidence) {
            Terminal t = openTerminal(r);
            try {
                Frame connected = need(r.await(f -> f.kind().equals("connected"), 0), r, "connected frame");
                m.put("create", connected.arrivedMs() - r.ownStreamOpenedMs());
                java.util.List<String> markers = new java.util.ArrayList<>();
                int i = 0;
                for (long at : scheduleMs()) {
                    double left = at - r.now();
                    if (left > 0) Thread.sleep((long) left);
                    String marker = Printer.marker(i++);
                    markers.add(marker);
                    sent.put(marker, r.now());
                    awaitPty(t.pty.stdin(marker.getBytes(StandardCharsets.UTF_8)), "stdin");
                }
                for (String marker : markers) need(r.awaitText(marker, deadline(null)), r, "echo of " + marker);
            } finally {
                t.current = null;
                t.close();
                terminals.remove(t);
            }
            return;
        }
        // the echo on the long-lived terminal (as a terminal pane keeps one), then a terminal of its own for the time to create
        if (shared == null || !shared.open()) {
            if (shared != null) shared.close();
            shared = openTerminal(null);
        }
        String marker = Printer.marker(0);
        shared.current = r;
        try {
            double t = r.now();
            sent.put(marker, t);
            awaitPty(shared.pty.stdin(marker.getBytes(StandardCharsets.UTF_8)), "stdin");
            Frame echo = need(r.awaitText(marker, deadline(null)), r, "echo of " + marker);
            m.put("echo", echo.arrivedMs() - t);
        } finally {
            shared.current = null;
        }
        Terminal own = openTerminal(r);
        try {
            Frame connected = need(r.await(f -> f.kind().equals("connected") && f.arrivedMs() >= r.ownStreamOpenedMs(), deadline(null)), r, "connected frame");
            m.put("create", connected.arrivedMs() - r.ownStreamOpenedMs());
        } finally {
            own.current = null;
            own.close();
            terminals.remove(own);
        }
    }

    @Override
    public void cleanup() {
        DirectoryWatch w = watch;
        if (w != null) w.close();
        for (Terminal t : terminals) t.close();
        terminals.clear();
    }
}
