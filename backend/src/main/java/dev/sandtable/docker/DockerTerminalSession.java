package dev.sandtable.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.sandtable.e2b.ByteQueueInputStream;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalStateRelay;

import java.io.Closeable;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A terminal in a container: {@code docker exec} with a TTY, or an attach to the main process when it has one.
 *
 * <p>An exec TTY starts at 0x0 and programs that start before the first resize see no size (busybox prints
 * "stty: standard input", full-screen programs garble), and API 1.41 cannot give the size at create time. So the
 * program runs behind {@code sh -c 'stty cols C rows R; exec PROGRAM'}: the TTY has its size before the program's
 * first byte; the engine's resize follows at once for images without a shell.
 *
 * <p>An exec cannot be reattached. When the stream drops while the engine is away, the session reports
 * RECONNECTING and, once the engine answers again, starts the same program anew (saying so in the output); an
 * attach session reattaches to the main process. The engine does not end an exec when its client leaves, so the
 * wrapper writes the program's pid to {@code /tmp} and {@link #close()} sends it HUP, then KILL.
 */
final class DockerTerminalSession implements TerminalSession {
    static final Duration RECONNECT_BUDGET = Duration.ofSeconds(30);

    private final DockerEngine engine;
    private final String containerId;
    private final TerminalRequest request;
    private final boolean attach;
    private final String token = HexFormat.of().formatHex(randomBytes());
    private final ByteQueueInputStream output = new ByteQueueInputStream();
    private volatile ByteQueueInputStream input;
    private volatile String execId;
    private volatile Closeable stream;
    private volatile boolean closed;
    private volatile int columns;
    private volatile int rows;
    private final TerminalStateRelay states = new TerminalStateRelay();
    private volatile int restarts;

    private DockerTerminalSession(DockerEngine engine, String containerId, TerminalRequest request, boolean attach) {
        this.engine = engine;
        this.containerId = containerId;
        this.request = request;
        this.attach = attach;
        this.columns = request.columns();
        this.rows = request.rows();
    }

    static CompletableFuture<TerminalSession> exec(DockerEngine engine, String containerId, TerminalRequest request) {
        DockerTerminalSession s = new DockerTerminalSession(engine, containerId, request, false);
        return engine.async("opening a terminal in " + DockerMapping.shortId(containerId), () -> {
            s.startStream();
            return s;
        });
    }

    static CompletableFuture<TerminalSession> attach(DockerEngine engine, String containerId, int columns, int rows) {
        DockerTerminalSession s = new DockerTerminalSession(engine, containerId, TerminalRequest.shell(columns, rows), true);
        return engine.async("attaching to " + DockerMapping.shortId(containerId), () -> {
            var inspect = engine.client().inspectContainerCmd(containerId).exec();
            if (inspect.getConfig() == null || !Boolean.TRUE.equals(inspect.getConfig().getTty()))
                throw new SandtableException(ErrorCode.UNSUPPORTED, "the main process of " + DockerMapping.containerName(new String[]{inspect.getName()})
                        + " has no TTY; open a terminal (exec) instead");
            if (inspect.getState() == null || !Boolean.TRUE.equals(inspect.getState().getRunning()))
                throw new SandtableException(ErrorCode.INVALID_STATE, "the sandbox is not running; start it first");
            s.startStream();
            return s;
        });
    }

    /** The exec's command line: the size is set before the program runs; the pid goes to a file for close(). */
    List<String> wrappedCommand() {
        String prelude = "echo $$ > " + pidFile() + " 2>/dev/null; stty cols " + columns + " rows " + rows + " 2>/dev/null; ";
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c"));
        if (request.command().isEmpty()) {
            cmd.add(prelude + "if [ -x /bin/bash ]; then exec /bin/bash -l; else exec /bin/sh -l; fi");
        } else {
            cmd.add(prelude + "exec \"$@\"");
            cmd.add("sh");
            cmd.addAll(request.command());
        }
        return cmd;
    }

    private String pidFile() {
        return "/tmp/.sandtable-tty-" + token;
    }

    /** Starts (or restarts) the exec, or (re)attaches; blocks until the stream is open. */
    private void startStream() throws InterruptedException {
        var client = engine.client();
        ByteQueueInputStream in = new ByteQueueInputStream();
        input = in;
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        Throwable[] failed = {null};
        ResultCallback.Adapter<Frame> cb = new ResultCallback.Adapter<>() {
            @Override
            public void onStart(Closeable c) {
                super.onStart(c);
                stream = c;
                open.countDown();
            }

            @Override
            public void onNext(Frame f) {
                if (!closed) output.push(f.getPayload());
            }

            @Override
            public void onError(Throwable t) {
                failed[0] = t;
                open.countDown();
                if (!closed) streamEnded(t);
            }

            @Override
            public void onComplete() {
                open.countDown();
                if (!closed) streamEnded(null);
            }
        };
        if (attach) {
            client.attachContainerCmd(containerId).withStdIn(in).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(false).exec(cb);
        } else {
            Map<String, String> env = new LinkedHashMap<>(Map.of("TERM", "xterm-256color"));
            env.putAll(request.env());
            var create = client.execCreateCmd(containerId).withTty(true).withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withCmd(wrappedCommand().toArray(String[]::new));
            if (request.cwd() != null) create.withWorkingDir(request.cwd());
            execId = create.exec().getId();
            client.execStartCmd(execId).withTty(true).withDetach(false).withStdIn(in).exec(cb);
        }
        if (!open.await(30, java.util.concurrent.TimeUnit.SECONDS))
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the terminal's stream did not open within 30 s");
        if (failed[0] != null) throw engine.map(failed[0], "opening a terminal");
        resizeNow();
        states.set(TerminalState.CONNECTED);
    }

    private void resizeNow() {
        try {
            if (attach) engine.client().resizeContainerCmd(containerId).withSize(rows, columns).exec();
            else engine.client().resizeExecCmd(execId).withSize(rows, columns).exec();
        } catch (RuntimeException ignored) {
            // the program may already have ended; the size was set by stty anyway
        }
    }

    /** The stream ended: the program exited, or the connection dropped (then reconnect). */
    private void streamEnded(Throwable error) {
        engine.executor().execute(() -> {
            Integer code = exitCodeIfEnded();
            if (code != null) {
                finish(code);
            } else {
                reconnect(System.nanoTime());
            }
        });
    }

    /** The exit code if the program is over; null while it runs or when the engine cannot be asked. */
    private Integer exitCodeIfEnded() {
        try {
            if (attach) {
                var st = engine.client().inspectContainerCmd(containerId).exec().getState();
                if (st != null && Boolean.TRUE.equals(st.getRunning())) return null;
                return st == null || st.getExitCodeLong() == null ? -1 : st.getExitCodeLong().intValue();
            }
            var ex = engine.client().inspectExecCmd(execId).exec();
            if (Boolean.TRUE.equals(ex.isRunning())) return null;
            return ex.getExitCodeLong() == null ? -1 : ex.getExitCodeLong().intValue();
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            return -1; // the container (and its execs) are gone
        } catch (RuntimeException unreachable) {
            return null;
        }
    }

    private void reconnect(long since) {
        while (!closed) {
            states.set(TerminalState.RECONNECTING);
            if (System.nanoTime() - since > RECONNECT_BUDGET.toNanos()) {
                output.push("\r\n[sandtable: the Docker engine did not come back within 30 s; the terminal has ended]\r\n".getBytes(StandardCharsets.UTF_8));
                finish(-1);
                return;
            }
            try {
                Thread.sleep(Math.min(2_000, 200L << Math.min(4, restarts)));
                restarts++;
                var st = engine.client().inspectContainerCmd(containerId).exec().getState();
                if (st == null || !Boolean.TRUE.equals(st.getRunning())) {
                    output.push("\r\n[sandtable: the sandbox is not running any more; the terminal has ended]\r\n".getBytes(StandardCharsets.UTF_8));
                    finish(-1);
                    return;
                }
                if (!attach) {
                    killProgram(); // the old exec may still run (a dropped connection, not a restarted engine)
                    output.push("\r\n[sandtable: the connection to the engine was lost; this is a new shell]\r\n".getBytes(StandardCharsets.UTF_8));
                }
                startStream();
                restarts = 0;
                return;
            } catch (InterruptedException e) {
                return;
            } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
                finish(-1);
                return;
            } catch (RuntimeException tryAgain) {
                engine.reset();
            }
        }
    }

    private void finish(int code) {
        output.end();
        states.end(code);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    @Override
    public String id() {
        String e = execId;
        return attach ? "attach:" + DockerMapping.shortId(containerId) : e == null ? "" : DockerMapping.shortId(e);
    }

    @Override
    public InputStream output() {
        return output;
    }

    @Override
    public CompletableFuture<Void> write(byte[] data) {
        if (closed || states.exit().isDone())
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_STATE, "the terminal has ended"));
        input.push(data.clone());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        if (columns <= 0 || rows <= 0 || closed || states.exit().isDone()) return CompletableFuture.completedFuture(null);
        this.columns = columns;
        this.rows = rows;
        return engine.async("resizing the terminal", () -> {
            resizeNow();
            return null;
        });
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return states.exit();
    }

    @Override
    public void onState(Consumer<TerminalState> listener) {
        states.listen(listener);
    }

    /** Drops the stream as a network failure would (tests: the reconnect path). */
    void dropStreamForTest() throws java.io.IOException {
        Closeable s = stream;
        if (s != null) s.close();
    }

    /** HUP, then KILL, to the program whose pid the wrapper wrote (the engine never ends an exec itself). */
    private void killProgram() throws InterruptedException {
        String f = pidFile();
        String id = engine.client().execCreateCmd(containerId).withCmd("/bin/sh", "-c",
                        "p=$(cat " + f + " 2>/dev/null) && [ -n \"$p\" ] && { kill -HUP $p; sleep 0.2; kill -KILL $p; } 2>/dev/null; rm -f " + f)
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        engine.client().execStartCmd(id).exec(new ResultCallback.Adapter<>()).awaitCompletion(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ByteQueueInputStream in = input;
        if (in != null) in.end();
        if (!attach && !states.exit().isDone()) engine.async("ending the terminal's program", () -> {
            killProgram();
            return null;
        }).exceptionally(e -> null);
        Closeable s = stream;
        if (s != null) try {
            s.close();
        } catch (java.io.IOException ignored) {
            // already gone
        }
        finish(-1);
    }
}
