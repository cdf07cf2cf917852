package dev.sandtable.latency;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.e2b.client.ConnectStream;
import dev.sandtable.spi.SandtableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The probes of one endpoint. Each trial is one call; an evidence trial produces frames at 1/4, 1/2 and 1 of the
 * spread window after its request and asks the server to end the stream at 5/4 of it, so that a proxy that holds the
 * stream shows as frames produced apart arriving together. Helper processes are found by tag, never by the pid a
 * (possibly held) {@code start} frame would tell.
 */
final class Probes extends ProbeTrials<ConnectStream> {
    static final Map<String, String> DESCRIPTIONS = Map.of(
            "start", "request sent -> start frame arrived",
            "create", "Start with a PTY sent -> start frame arrived",
            "event", "file write sent (POST /files) -> its WatchDir event arrived",
            "echo", "SendInput of a unique marker sent -> its echo arrived",
            "roundtrip", "SendInput sent -> its answer arrived",
            "interval", "time between successive keepalive frames (1 s requested)");

    private final EnvdSession s;
    private final String dir;
    private final String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final List<String> helpers = new ArrayList<>();
    private final Map<StreamKind, String> targets = new ConcurrentHashMap<>();
    Probes(EnvdSession s, ProbeSettings settings, ProbeListener listener, long runT0, String dir) {
        super(s.label, Protocol.ENVD, DESCRIPTIONS, settings, listener, runT0);
        this.s = s;
        this.dir = dir;
    }

    private Duration serverDeadline() {
        Duration w = settings.spreadWindow();
        return w.plus(w.dividedBy(4));
    }

    private ConnectStream open(TrialRecorder r, String method, ObjectNode body, Duration serverTimeout, int keepalive) {
        r.ownStreamOpened();
        return opened(s.stream(method, body, serverTimeout, keepalive, r));
    }

    @Override
    protected void cancel(ConnectStream stream) {
        stream.cancel();
    }

    @Override
    protected void probe(StreamKind kind, TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        switch (kind) {
            case WATCHDIR -> watchDir(r, m, evidence);
            case PTY -> pty(r, m, evidence);
            case START -> start(r, m, evidence);
            case CONNECT -> connect(r, m, evidence);
            case SENDINPUT -> sendInput(r, m);
            case KEEPALIVE -> keepalive(r, m);
            case BACKGROUND -> throw new SandtableException(dev.sandtable.spi.ErrorCode.UNSUPPORTED, "envd has no " + kind.cliName() + " probe");
        }
    }

    /** Waits for a stream the server was asked to end at {@code serverTimeout}; past this side's deadline it failed. */
    private void awaitServerEnd(TrialRecorder r, Duration serverTimeout) throws InterruptedException {
        if (!r.awaitEnd(deadline(serverTimeout.plusMillis(500)))) r.deadlinePassed();
    }

    private static void sleepUntil(TrialRecorder r, long ms) throws InterruptedException {
        double left = ms - r.now();
        if (left > 0) Thread.sleep((long) left);
    }

    // ---------------------------------------------------------------- WatchDir

    private void watchDir(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        Map<String, Double> written = new ConcurrentHashMap<>();
        r.producedBy((k, d) -> k.equals("filesystem") ? written.get(d.split(" ")[0]) : null);
        ObjectNode body = EnvdSession.object().put("path", dir);
        String prefix = "w" + id + "-" + r.hashCode() + "-";
        if (evidence) {
            open(r, "filesystem.Filesystem/WatchDir", body, serverDeadline(), 0);
            int i = 0;
            for (long at : scheduleMs()) {
                String name = prefix + i++;
                Runnable write = s.prepareWrite(dir + "/" + name, "x");
                sleepUntil(r, at);
                written.put(name, r.now());
                write.run();
            }
            awaitServerEnd(r, serverDeadline());
            Frame start = r.await(f -> f.kind().equals("start"), 0);
            if (start != null) m.put("start", start.arrivedMs());
            return;
        }
        // the event on the long-lived watch (as an SDK keeps one), then a watch of its own for the time to start
        SessionStream watch = session(StreamKind.WATCHDIR, () -> EnvdSession.object().put("path", dir), "filesystem.Filesystem/WatchDir");
        String name = prefix + "0";
        Runnable write = s.prepareWrite(dir + "/" + name, "x");
        watch.lend(r);
        try {
            double sent = r.now();
            written.put(name, sent);
            write.run();
            Frame ev = need(r.await(f -> f.kind().equals("filesystem") && f.detail().startsWith(name + " "), deadline(null)), r,
                    "event for " + name);
            m.put("event", ev.arrivedMs() - sent);
        } finally {
            watch.lend(null);
        }
        open(r, "filesystem.Filesystem/WatchDir", body, settings.callTimeout(), 0);
        Frame start = need(r.await(f -> f.kind().equals("start") && isOwnStart(r, f), deadline(null)), r, "start frame");
        m.put("start", start.arrivedMs() - r.ownStreamOpenedMs());
    }

    // ---------------------------------------------------------------- PTY

    private ObjectNode ptyStart(String tag) {
        ObjectNode body = EnvdSession.object();
        body.set("process", EnvdSession.process("cat"));
        body.put("tag", tag);
        body.putObject("pty").putObject("size").put("cols", 80).put("rows", 24);
        return body;
    }

    private void pty(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        String tag = "p" + id + "-" + r.hashCode();
        Map<String, Double> sent = new ConcurrentHashMap<>();
        r.producedBy((k, d) -> {
            if (!k.equals("data")) return null;
            for (var e : sent.entrySet()) if (d.contains(e.getKey())) return e.getValue();
            return null;
        });
        try {
            if (evidence) {
                open(r, "process.Process/Start", ptyStart(tag), serverDeadline(), 0);
                s.awaitTag(tag);
                int i = 0;
                for (long at : scheduleMs()) {
                    sleepUntil(r, at);
                    String marker = Printer.marker(i++);
                    sent.put(marker, r.now());
                    s.sendInput(tag, "pty", marker);
                }
                awaitServerEnd(r, serverDeadline());
                Frame start = r.await(f -> f.kind().equals("start"), 0);
                if (start != null) m.put("create", start.arrivedMs());
                return;
            }
            // the echo on the long-lived terminal (as an SDK keeps one), then a terminal of its own for the time to create
            String shared = "t" + id;
            SessionStream term = session(StreamKind.PTY, () -> ptyStart(shared), "process.Process/Start");
            String marker = Printer.marker(0);
            term.lend(r);
            try {
                double t = r.now();
                sent.put(marker, t);
                s.sendInput(shared, "pty", marker);
                Frame echo = need(r.awaitText(marker, deadline(null)), r, "echo of " + marker);
                m.put("echo", echo.arrivedMs() - t);
            } finally {
                term.lend(null);
            }
            open(r, "process.Process/Start", ptyStart(tag), settings.callTimeout(), 0);
            Frame start = need(r.await(f -> f.kind().equals("start") && isOwnStart(r, f), deadline(null)), r, "start frame");
            m.put("create", start.arrivedMs() - r.ownStreamOpenedMs());
        } finally {
            quietKill(tag);
        }
    }

    // ---------------------------------------------------------------- Start and Connect

    private String printer() {
        return Printer.script(scheduleMs());
    }

    private java.util.function.BiFunction<String, String, Double> printedBy(TrialRecorder r, double scheduleBase) {
        return Printer.producedBy(r, scheduleMs(), scheduleBase, "data");
    }

    private ObjectNode shell(String tag, String script, boolean stdin) {
        ObjectNode body = EnvdSession.object();
        body.set("process", EnvdSession.process("/bin/sh", "-c", script));
        body.put("tag", tag);
        body.put("stdin", stdin);
        return body;
    }

    private void start(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        String tag = "s" + id + "-" + r.hashCode();
        try {
            if (evidence) {
                r.producedBy(printedBy(r, 0));
                open(r, "process.Process/Start", shell(tag, printer(), false), serverDeadline(), 0);
                awaitServerEnd(r, serverDeadline());
                Frame start = r.await(f -> f.kind().equals("start"), 0);
                if (start != null) m.put("start", start.arrivedMs());
                return;
            }
            open(r, "process.Process/Start", shell(tag, "sleep 30", false), settings.callTimeout(), 0);
            Frame start = need(r.await(f -> f.kind().equals("start"), deadline(null)), r, "start frame");
            m.put("start", start.arrivedMs());
        } finally {
            quietKill(tag);
        }
    }

    private void connect(TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException {
        ObjectNode body = EnvdSession.object();
        if (evidence) {
            String tag = "e" + id;
            spawn(tag, printer(), false);
            double spawned = r.now();
            r.producedBy(printedBy(r, spawned));
            body.set("process", s.selector(tag));
            open(r, "process.Process/Connect", body, serverDeadline(), 0);
            awaitServerEnd(r, serverDeadline());
            Frame start = r.await(f -> f.kind().equals("start"), 0);
            if (start != null) m.put("start", start.arrivedMs());
            quietKill(tag);
            return;
        }
        String tag = targets.computeIfAbsent(StreamKind.CONNECT, k -> "c" + id);
        if (iterationOne(tag)) spawn(tag, "sleep 600", false);
        body.set("process", s.selector(tag));
        open(r, "process.Process/Connect", body, settings.callTimeout(), 0);
        Frame start = need(r.await(f -> f.kind().equals("start"), deadline(null)), r, "start frame");
        m.put("start", start.arrivedMs());
    }

    private final Map<String, Boolean> spawned = new HashMap<>();

    private boolean iterationOne(String tag) {
        return spawned.putIfAbsent(tag, true) == null;
    }

    /** Starts a helper process by tag without waiting for its (possibly held) start frame. */
    private void spawn(String tag, String script, boolean stdin) throws InterruptedException {
        TrialRecorder quiet = new TrialRecorder(s.label, StreamKind.START, -2, false, ProbeListener.NONE, runT0);
        ConnectStream st = s.stream("process.Process/Start", shell(tag, script, stdin), null, 0, quiet);
        helpers.add(tag);
        try {
            s.awaitTag(tag);
        } finally {
            st.cancel();
        }
    }

    // ---------------------------------------------------------------- SendInput

    private void sendInput(TrialRecorder r, Map<String, Double> m) throws InterruptedException {
        String tag = targets.computeIfAbsent(StreamKind.SENDINPUT, k -> "i" + id);
        if (iterationOne(tag)) spawn(tag, "cat > /dev/null", true);
        double t = r.now();
        s.sendInput(tag, "stdin", "x\n");
        m.put("roundtrip", r.now() - t);
    }

    // ---------------------------------------------------------------- keepalive cadence

    private void keepalive(TrialRecorder r, Map<String, Double> m) throws InterruptedException {
        Duration listen = Duration.ofMillis(settings.keepalives() * 1000L + 500);
        open(r, "filesystem.Filesystem/WatchDir", EnvdSession.object().put("path", dir), listen, 1);
        awaitServerEnd(r, listen);
        Frame start = r.await(f -> f.kind().equals("start"), 0);
        if (start != null) m.put("start", start.arrivedMs());
    }

    private final Map<StreamKind, SessionStream> sessions = new HashMap<>();

    /** The long-lived stream of a kind, opened (and its start awaited) when there is none or it ended. */
    private SessionStream session(StreamKind kind, java.util.function.Supplier<ObjectNode> body, String method) throws InterruptedException {
        SessionStream cur = sessions.get(kind);
        if (cur != null && cur.open()) return cur;
        if (cur != null) cur.close();
        SessionStream fresh = new SessionStream();
        fresh.attach(s.stream(method, body.get(), null, 0, null, fresh));
        sessions.put(kind, fresh);
        long until = deadline(null);
        while (!fresh.started()) {
            if (fresh.ended() != null) throw new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, "the long-lived "
                    + kind.cliName() + " stream ended before its start: " + fresh.ended());
            if (System.nanoTime() > until) throw new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, "the long-lived "
                    + kind.cliName() + " stream sent no start within " + settings.callTimeout().toMillis() + " ms");
            Thread.sleep(1);
        }
        return fresh;
    }

    /** A start frame of the trial's own stream (not one the long-lived stream lent it earlier). */
    private static boolean isOwnStart(TrialRecorder r, Frame f) {
        return f.arrivedMs() >= r.ownStreamOpenedMs();
    }

    @Override
    public void cleanup() {
        sessions.values().forEach(SessionStream::close);
        sessions.clear();
        for (String tag : helpers) quietKill(tag);
        quietKill("t" + id);
    }

    private void quietKill(String tag) {
        try {
            s.kill(tag);
        } catch (SandtableException ignored) {
            // the sandbox may be gone; the run reports that elsewhere
        }
    }
}
