package dev.sandtable.opensandbox;

import dev.sandtable.e2b.ByteQueueInputStream;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalStateRelay;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A real terminal over execd's PTY session ({@code POST /pty}, then the {@code /pty/{id}/ws} WebSocket, see
 * {@link ExecdPty}): keys go to bash's PTY as typed, resizes reach it, the exit frame gives the exit code. When the
 * WebSocket drops while bash runs, it reattaches ({@code since} = the output bytes seen, {@code takeover=1} in case
 * execd still holds the dead socket) so the shell survives. Closing deletes the session, which ends bash.
 */
final class ExecdPtyTerminalSession implements TerminalSession, ExecdPty.Listener {
    private static final Duration RECONNECT_BUDGET = Duration.ofSeconds(30);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ScheduledExecutorService RETRIES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "execd-pty-reconnect");
        t.setDaemon(true);
        return t;
    });

    private final ExecdClient execd;
    private final String sessionId;
    private final ByteQueueInputStream output = new ByteQueueInputStream();
    private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile ExecdPty pty;
    /** The connection input goes to: replaced by an incomplete one while reattaching, so keys wait rather than fail. */
    private volatile CompletableFuture<ExecdPty> live = new CompletableFuture<>();
    private final Object inputLock = new Object();
    private CompletableFuture<Void> inputTail = CompletableFuture.completedFuture(null);
    private volatile boolean closed;
    private volatile boolean reattaching;
    private volatile Integer exitCode;
    /** Output bytes received so far: where a reattach resumes ({@code since}). Only the receiving thread writes it. */
    private volatile long received;
    private final TerminalStateRelay states = new TerminalStateRelay();

    private ExecdPtyTerminalSession(ExecdClient execd, String sessionId) {
        this.execd = execd;
        this.sessionId = sessionId;
    }

    /**
     * Opens the PTY; when this execd has no PTY routes ({@code POST /pty} answers 404, or 501 where PTYs are not
     * supported), or the way to it refuses the WebSocket upgrade ({@link ExecdPty.UpgradeRefused}), it falls back to
     * the line-mode {@link ExecdTerminalSession}, whose banner says why.
     */
    static CompletableFuture<TerminalSession> start(ExecdClient execd, TerminalRequest request) {
        String command;
        try {
            command = command(request);
        } catch (SandtableException e) {
            return CompletableFuture.failedFuture(e);
        }
        return execd.createPty(request.cwd(), command).handle((id, failure) -> {
            if (failure == null) return attach(execd, id, request).exceptionallyCompose(e -> {
                if (!(SandtableException.of(e) instanceof ExecdPty.UpgradeRefused refused)) return CompletableFuture.failedFuture(e);
                return ExecdTerminalSession.start(execd, request, "the PTY WebSocket upgrade was refused with HTTP " + refused.status());
            });
            SandtableException e = SandtableException.of(failure);
            if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.UNSUPPORTED)
                return ExecdTerminalSession.start(execd, request, "this execd has no PTY sessions: POST /pty answered "
                        + (e.code() == ErrorCode.NOT_FOUND ? "404" : "501"));
            return CompletableFuture.<TerminalSession>failedFuture(e);
        }).thenCompose(f -> f);
    }

    private static CompletableFuture<TerminalSession> attach(ExecdClient execd, String id, TerminalRequest request) {
        ExecdPtyTerminalSession s = new ExecdPtyTerminalSession(execd, id);
        return execd.connectPty(id, ExecdPty.Options.pty(), s).thenCompose(p -> {
            s.pty = p;
            s.live.complete(p);
            // execd starts bash at 80x24. A resize that fails here means the connection has ended already, which the
            // session reports itself (a malformed frame, say, says so on the screen): the open does not fail over it.
            return p.resize(request.columns(), request.rows()).exceptionally(e -> null);
        }).handle((v, failure) -> {
            if (failure == null) return (TerminalSession) s;
            execd.deletePty(id).exceptionally(e -> null);
            throw new CompletionException(SandtableException.of(failure));
        });
    }

    /**
     * execd runs {@code bash --norc --noprofile [-c command]} with its own environment and has no field for more:
     * the request's environment (TERM defaulting to xterm-256color) is exported by the command, which then execs the
     * program, or an interactive login bash.
     */
    static String command(TerminalRequest r) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("TERM", "xterm-256color"));
        env.putAll(r.env());
        StringBuilder sb = new StringBuilder();
        for (var e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches())
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "'" + e.getKey() + "' is not an environment variable name");
            sb.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append("; ");
        }
        sb.append("exec");
        if (r.command().isEmpty()) sb.append(" bash -il");
        else r.command().forEach(a -> sb.append(' ').append(quote(a)));
        return sb.toString();
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    // ---- ExecdPty.Listener (on the HTTP client's threads, in order)

    @Override
    public void output(byte[] bytes) {
        received += bytes.length;
        output.push(bytes);
    }

    /** After a reattach: only what was not seen yet. */
    @Override
    public void replay(long offset, byte[] bytes) {
        long skip = Math.max(0, received - offset);
        if (skip >= bytes.length) return;
        byte[] fresh = skip == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, (int) skip, bytes.length);
        received = offset + bytes.length;
        output.push(fresh);
    }

    @Override
    public void exit(int code) {
        exitCode = code;
    }

    @Override
    public void error(String code, String message) {
        output.push(("\r\n\u001b[31mexecd: " + code + ": " + message + "\u001b[0m\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void closed(int status, String reason, SandtableException failure) {
        if (closed || reattaching) return; // an attempt that fails is retried by reconnect's loop
        if (exitCode != null) {
            finish(exitCode);
        } else if (status == ExecdPty.TAKEN_OVER) {
            output.push("\r\n\u001b[33m[another client took this terminal over]\u001b[0m\r\n".getBytes(StandardCharsets.UTF_8));
            finish(-1);
        } else if (failure != null && failure.code() == ErrorCode.INTERNAL) { // a protocol error: reattaching would repeat it
            output.push(("\r\n\u001b[31m" + failure.getMessage() + "\u001b[0m\r\n").getBytes(StandardCharsets.UTF_8));
            finish(-1);
        } else if (pty != null) {
            reattaching = true;
            live = new CompletableFuture<>();
            reconnect(System.nanoTime(), 0);
        } else {
            finish(-1);
        }
    }

    private void reconnect(long since, int attempt) {
        if (closed || states.exit().isDone()) return;
        states.set(TerminalState.RECONNECTING);
        if (System.nanoTime() - since > RECONNECT_BUDGET.toNanos()) {
            finish(-1);
            return;
        }
        long delay = Math.min(2_000, 100L << Math.min(5, attempt));
        RETRIES.schedule(() -> execd.ptyStatus(sessionId).thenCompose(st -> {
            if (!st.running()) {
                finish(-1); // it ended while we were away; its code went with the dropped socket
                return CompletableFuture.completedFuture(null);
            }
            return execd.connectPty(sessionId, new ExecdPty.Options(received, true, false), this).thenAccept(p -> {
                pty = p;
                reattaching = false;
                live.complete(p);
                states.set(TerminalState.CONNECTED);
            });
        }).whenComplete((v, e) -> {
            if (e == null || closed) return;
            if (SandtableException.of(e).code() == ErrorCode.NOT_FOUND) finish(-1);
            else reconnect(since, attempt + 1);
        }), delay, TimeUnit.MILLISECONDS);
    }

    /** Once: the output ends and ENDED is reported before the exit future completes, so its waiters see both. */
    private void finish(int code) {
        if (!finished.compareAndSet(false, true)) return;
        live.completeExceptionally(new SandtableException(ErrorCode.INVALID_STATE, "the terminal has ended"));
        output.end();
        states.end(code);
    }

    // ---- TerminalSession

    @Override
    public String id() {
        return sessionId;
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public CompletableFuture<Void> write(byte[] input) {
        if (closed || states.exit().isDone())
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_STATE, "the terminal has ended"));
        synchronized (inputLock) { // in order, also across a reattach
            CompletableFuture<Void> f = inputTail.handle((v, e) -> null).thenCompose(v -> live.thenCompose(p -> p.stdin(input)));
            inputTail = f;
            return f;
        }
    }

    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        if (closed || states.exit().isDone()) return CompletableFuture.completedFuture(null);
        return live.thenCompose(p -> p.resize(columns, rows));
    }

    /** Sends a signal to the program's process group (see {@link ExecdPty#signal}). */
    CompletableFuture<Void> signal(String name) {
        return live.thenCompose(p -> p.signal(name));
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return states.exit();
    }

    @Override
    public void onState(Consumer<TerminalState> listener) {
        states.listen(listener);
    }

    /** Drops the WebSocket as a network failure would (tests: reattaching). */
    void dropConnectionForTest() {
        pty.abortForTest();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Integer code = exitCode;
        ExecdPty p = pty;
        if (p != null) p.close();
        execd.deletePty(sessionId).exceptionally(e -> null);
        finish(code == null ? -1 : code);
    }
}
