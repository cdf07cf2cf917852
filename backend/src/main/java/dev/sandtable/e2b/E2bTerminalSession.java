package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.e2b.client.ConnectClient;
import dev.sandtable.e2b.client.ConnectRpcException;
import dev.sandtable.e2b.client.ConnectStream;
import dev.sandtable.e2b.client.StreamListener;
import dev.sandtable.e2b.client.StreamOptions;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalStateRelay;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A PTY in a sandbox over envd: {@code Process/Start} with a pty streams the output; {@code SendInput} carries
 * keystrokes (in order, coalesced while one call is in flight); {@code Update} resizes. When the stream drops
 * before the process ended, {@code Process/Connect} reattaches to the same pid, so the shell survives.
 */
final class E2bTerminalSession implements TerminalSession {
    private static final Duration UNARY_TIMEOUT = Duration.ofSeconds(30);
    private static final ScheduledExecutorService RETRIES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "e2b-terminal-reconnect");
        t.setDaemon(true);
        return t;
    });

    /** How the session keeps its stream: keepalive interval and how long it tries to reattach after a drop. */
    record Tuning(int keepaliveSeconds, Duration silenceLimit, Duration reconnectBudget) {
        static Tuning defaults() {
            return new Tuning(30, Duration.ofSeconds(95), Duration.ofSeconds(30));
        }
    }

    private final ConnectClient envd;
    private final Tuning tuning;
    private final ByteQueueInputStream output = new ByteQueueInputStream();
    private final CompletableFuture<TerminalSession> started = new CompletableFuture<>();
    private final Object inputLock = new Object();
    private ByteArrayOutputStream pendingInput;
    private CompletableFuture<Void> pendingFuture;
    private boolean inputInFlight;
    private volatile long pid = -1;
    private volatile ConnectStream stream;
    private volatile boolean closed;
    private volatile Integer exitCode;
    private final TerminalStateRelay states = new TerminalStateRelay();
    private volatile int reconnects;

    private E2bTerminalSession(ConnectClient envd, Tuning tuning) {
        this.envd = envd;
        this.tuning = tuning;
    }

    /** Starts the program; the future completes when envd has sent its start event (with the pid). */
    static CompletableFuture<TerminalSession> start(ConnectClient envd, TerminalRequest request, Tuning tuning) {
        E2bTerminalSession s = new E2bTerminalSession(envd, tuning);
        s.stream = envd.stream("process.Process/Start", startRequest(request), s.options(), s.new Handler(System.nanoTime()));
        return s.started;
    }

    static ObjectNode startRequest(TerminalRequest r) {
        ObjectNode body = E2bApi.object();
        ObjectNode process = body.putObject("process");
        if (r.command().isEmpty()) {
            process.put("cmd", "/bin/bash");
            process.putArray("args").add("-i").add("-l");
        } else {
            process.put("cmd", r.command().getFirst());
            var args = process.putArray("args");
            r.command().subList(1, r.command().size()).forEach(args::add);
        }
        Map<String, String> env = new LinkedHashMap<>(Map.of("TERM", "xterm-256color", "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8"));
        env.putAll(r.env());
        ObjectNode envs = process.putObject("envs");
        env.forEach(envs::put);
        if (r.cwd() != null) process.put("cwd", r.cwd());
        body.putObject("pty").putObject("size").put("cols", r.columns()).put("rows", r.rows());
        return body;
    }

    private StreamOptions options() {
        return new StreamOptions(null, tuning.keepaliveSeconds(), tuning.silenceLimit());
    }

    /** Handles one Start or Connect stream. */
    private class Handler implements StreamListener {
        private final long t0;

        Handler(long t0) {
            this.t0 = t0;
        }

        @Override
        public void onMessage(JsonNode message) {
            if (closed) return;
            JsonNode ev = message.path("event");
            if (ev.has("start")) {
                pid = ev.path("start").path("pid").asLong();
                states.set(TerminalState.CONNECTED);
                started.complete(E2bTerminalSession.this);
            } else if (ev.has("data")) {
                JsonNode d = ev.path("data");
                JsonNode bytes = d.has("pty") ? d.get("pty") : d.has("stdout") ? d.get("stdout") : d.get("stderr");
                if (bytes != null) output.push(decode(bytes.asText()));
            } else if (ev.has("end")) {
                exitCode = ev.path("end").path("exitCode").asInt(ev.path("end").path("exit_code").asInt(0));
            }
        }

        @Override
        public void onEnd(ConnectRpcException error) {
            if (closed) return;
            if (exitCode != null) {
                finish(exitCode);
            } else if (pid < 0) {
                started.completeExceptionally(error != null ? error
                        : new SandtableException(ErrorCode.INTERNAL, "the terminal's stream ended before the shell started"));
                finish(-1);
            } else if (error != null && error.code() == ErrorCode.NOT_FOUND) {
                finish(-1); // the process is gone
            } else {
                reconnect(System.nanoTime());
            }
        }
    }

    private void reconnect(long since) {
        if (closed) return;
        states.set(TerminalState.RECONNECTING);
        long elapsed = System.nanoTime() - since;
        if (elapsed > tuning.reconnectBudget().toNanos()) {
            finish(-1);
            return;
        }
        long delay = Math.min(2_000, 100L << Math.min(5, reconnects++));
        RETRIES.schedule(() -> {
            if (closed) return;
            ObjectNode req = E2bApi.object();
            req.putObject("process").put("pid", pid);
            stream = envd.stream("process.Process/Connect", req, options(), new Handler(System.nanoTime()) {
                @Override
                public void onMessage(JsonNode message) {
                    if (message.path("event").has("start")) reconnects = 0;
                    super.onMessage(message);
                }

                @Override
                public void onEnd(ConnectRpcException error) {
                    if (closed) return;
                    if (exitCode == null && (error == null || error.code() != ErrorCode.NOT_FOUND) && reconnects > 0) {
                        reconnect(since); // this attempt never got through: keep trying within the budget
                    } else {
                        super.onEnd(error);
                    }
                }
            });
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void finish(int code) {
        output.end();
        states.end(code);
    }

    private static byte[] decode(String b64) {
        String s = b64.replace('-', '+').replace('_', '/');
        return Base64.getMimeDecoder().decode(s);
    }

    @Override
    public String id() {
        return Long.toString(pid);
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public CompletableFuture<Void> write(byte[] input) {
        if (closed || states.exit().isDone())
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_STATE, "the terminal has ended"));
        synchronized (inputLock) {
            if (pendingInput == null) {
                pendingInput = new ByteArrayOutputStream();
                pendingFuture = new CompletableFuture<>();
            }
            pendingInput.writeBytes(input);
            CompletableFuture<Void> f = pendingFuture;
            if (!inputInFlight) sendPendingLocked();
            return f;
        }
    }

    private void sendPendingLocked() {
        byte[] data = pendingInput.toByteArray();
        CompletableFuture<Void> f = pendingFuture;
        pendingInput = null;
        pendingFuture = null;
        inputInFlight = true;
        send(data, f, System.nanoTime());
    }

    /**
     * Sends one batch of input. While envd is unreachable (a dropped connection being reattached) the batch is retried
     * within the reconnect budget; later keys wait behind it, so nothing is reordered or lost.
     */
    private void send(byte[] data, CompletableFuture<Void> f, long firstTry) {
        ObjectNode req = E2bApi.object();
        req.putObject("process").put("pid", pid);
        req.putObject("input").put("pty", Base64.getEncoder().encodeToString(data));
        envd.unary("process.Process/SendInput", req, UNARY_TIMEOUT).whenComplete((r, e) -> {
            Throwable cause = e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
            if (cause instanceof SandtableException se && se.code() == ErrorCode.UNAVAILABLE && !closed && !states.exit().isDone()
                    && System.nanoTime() - firstTry < tuning.reconnectBudget().toNanos()) {
                RETRIES.schedule(() -> send(data, f, firstTry), 200, TimeUnit.MILLISECONDS);
                return;
            }
            if (cause != null) f.completeExceptionally(cause);
            else f.complete(null);
            synchronized (inputLock) {
                inputInFlight = false;
                if (pendingInput != null) sendPendingLocked();
            }
        });
    }

    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        if (closed || states.exit().isDone()) return CompletableFuture.completedFuture(null);
        ObjectNode req = E2bApi.object();
        req.putObject("process").put("pid", pid);
        req.putObject("pty").putObject("size").put("cols", columns).put("rows", rows);
        return envd.unary("process.Process/Update", req, UNARY_TIMEOUT).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return states.exit();
    }

    @Override
    public void onState(Consumer<TerminalState> listener) {
        states.listen(listener);
    }

    /** Drops the current stream as a network failure would (tests: reattaching). */
    void dropStreamForTest() {
        ConnectStream s = stream;
        if (s != null) s.cancel();
        reconnect(System.nanoTime());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        int code = exitCode == null ? -1 : exitCode; // what was known before the kill
        if (pid >= 0 && !states.exit().isDone()) {
            ObjectNode req = E2bApi.object();
            req.putObject("process").put("pid", pid);
            req.put("signal", "SIGNAL_SIGKILL");
            envd.unary("process.Process/SendSignal", req, UNARY_TIMEOUT).exceptionally(e -> null);
        }
        ConnectStream s = stream;
        if (s != null) s.cancel();
        finish(code);
    }
}
