package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pty4j.PtyProcess;
import com.pty4j.WinSize;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One process started through envd's Process/Start: its pipes or pseudo-terminal, and the streams subscribed to its
 * events. Output goes to the subscribers connected at that moment and is dropped when there are none (as envd does).
 * The end event is produced once, after the exit and the output still in the pipes (background children holding them
 * are waited for at most {@link #DRAIN_AFTER_EXIT_MS}), and kept for late Connect calls.
 */
final class EnvdProcess {
    static final int PTY_CHUNK = 16 << 10;
    static final int PIPE_CHUNK = 32 << 10;
    static final int SIGTERM = 15;
    static final int SIGKILL = 9;
    /**
     * How long output may still be read after the process exited. Background children that inherited its stdout or
     * its terminal keep them open; like envd (Go's Wait closes the pipes), the end does not wait for them.
     */
    static final long DRAIN_AFTER_EXIT_MS = 1000;

    private final long pid;
    private final JsonNode config;
    private final String tag;
    private final Process process;
    private final PtyProcess pty;
    private volatile OutputStream stdin;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicInteger openReaders = new AtomicInteger();
    private final CompletableFuture<ObjectNode> end = new CompletableFuture<>();
    private volatile int signalSent;
    private volatile Instant endedAt;

    /** A stream's view of the process: its events, in order, ending with {@code end}. */
    static final class Subscriber {
        final BlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    }

    private EnvdProcess(Process process, JsonNode config, String tag, boolean stdinOpen) {
        this.process = process;
        this.pty = process instanceof PtyProcess p ? p : null;
        this.pid = process.pid();
        this.config = config;
        this.tag = tag;
        this.stdin = stdinOpen || pty != null ? process.getOutputStream() : null;
        if (!stdinOpen && pty == null) closeQuietly(process.getOutputStream());
    }

    /**
     * Wraps a started process and subscribes {@code first} before any output is read, so the caller's stream misses
     * nothing. Reader threads start here.
     */
    static EnvdProcess started(Process process, JsonNode config, String tag, boolean stdinOpen, Subscriber first) {
        EnvdProcess p = new EnvdProcess(process, config, tag, stdinOpen);
        if (first != null) p.subscribers.add(first);
        if (p.pty != null) {
            p.readInto(process.getInputStream(), "pty", PTY_CHUNK);
        } else {
            p.readInto(process.getInputStream(), "stdout", PIPE_CHUNK);
            p.readInto(process.getErrorStream(), "stderr", PIPE_CHUNK);
        }
        process.onExit().thenRunAsync(p::finishAfterDrain, r -> Thread.ofVirtual().name("envd-" + p.pid + "-exit").start(r));
        return p;
    }

    long pid() {
        return pid;
    }

    String tag() {
        return tag;
    }

    JsonNode config() {
        return config;
    }

    boolean isPty() {
        return pty != null;
    }

    boolean running() {
        return !end.isDone();
    }

    Instant endedAt() {
        return endedAt;
    }

    CompletableFuture<ObjectNode> end() {
        return end;
    }

    /** Subscribes a stream; after the end, it gets just the retained end event. */
    Subscriber subscribe() {
        Subscriber s = new Subscriber();
        synchronized (this) {
            if (end.isDone()) s.events.add(wrap("end", end.join()));
            else subscribers.add(s);
        }
        return s;
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    void writeStdin(byte[] data) {
        if (pty != null) throw new ConnectError("failed_precondition", "a tty is assigned to process " + pid + ": send pty input instead of stdin");
        OutputStream in = stdin;
        if (in == null) throw ConnectError.internal("stdin not enabled or closed for process " + pid);
        try {
            in.write(data);
            in.flush();
        } catch (IOException e) {
            throw ConnectError.internal("cannot write to the stdin of process " + pid + ": " + e.getMessage());
        }
    }

    void writePty(byte[] data) {
        if (pty == null) throw new ConnectError("failed_precondition", "process " + pid + " has no tty: send stdin instead of pty input");
        try {
            OutputStream out = pty.getOutputStream();
            out.write(data);
            out.flush();
        } catch (IOException e) {
            throw ConnectError.internal("cannot write to the tty of process " + pid + ": " + e.getMessage());
        }
    }

    void closeStdin() {
        if (pty != null) throw new ConnectError("failed_precondition", "process " + pid + " has a tty: send Ctrl+D (0x04) as pty input to end its input");
        OutputStream in = stdin;
        stdin = null;
        if (in == null) throw ConnectError.internal("stdin not enabled or already closed for process " + pid);
        closeQuietly(in);
    }

    void resize(int cols, int rows) {
        if (pty == null) throw ConnectError.invalidArgument("process " + pid + " has no tty to resize");
        if (cols <= 0 || rows <= 0) throw ConnectError.invalidArgument("a tty size needs positive cols and rows, got " + cols + "x" + rows);
        pty.setWinSize(new WinSize(cols, rows));
    }

    /**
     * SIGTERM or SIGKILL to the process and everything it started (nsenter runs the command as its child). Through
     * ProcessHandle, because pty4j's processes do not support {@link Process#toHandle()}.
     */
    void signal(int signal) {
        signalSent = signal;
        ProcessHandle.of(pid).ifPresent(h -> {
            List<ProcessHandle> tree = h.descendants().toList();
            for (ProcessHandle d : tree.reversed()) {
                if (signal == SIGKILL) d.destroyForcibly();
                else d.destroy();
            }
            if (signal == SIGKILL) h.destroyForcibly();
            else h.destroy();
        });
    }

    private void readInto(InputStream in, String kind, int chunk) {
        openReaders.incrementAndGet();
        // pty4j reads in a native poll (JNA) that pins a virtual thread's carrier: two open terminals would take every
        // carrier of a 2-core machine and starve all virtual threads (HTTP handlers, streams). A platform thread each.
        Thread.Builder builder = kind.equals("pty") ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
        builder.name("envd-" + pid + "-" + kind).start(() -> {
            byte[] buf = new byte[chunk];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) publishData(kind, buf, n);
            } catch (IOException e) {
                // the pty reports EIO when the process's side closes: the output is over
            } finally {
                readerDone();
            }
        });
    }

    private void publishData(String kind, byte[] buf, int n) {
        if (subscribers.isEmpty()) return;
        ObjectNode data = ProtoJson.object();
        data.put(kind, ProtoJson.base64(buf, 0, n));
        ObjectNode ev = wrap("data", data);
        synchronized (this) {
            if (end.isDone()) return; // a background child's output after the end: dropped
            for (Subscriber s : subscribers) s.events.add(ev);
        }
    }

    private void readerDone() {
        synchronized (this) {
            openReaders.decrementAndGet();
            notifyAll();
        }
    }

    /** After the exit: the output still in the pipes is read (up to a limit), then the one end event goes out. */
    private void finishAfterDrain() {
        long deadline = System.nanoTime() + DRAIN_AFTER_EXIT_MS * 1_000_000;
        ObjectNode endEvent = endEvent();
        synchronized (this) {
            try {
                long left;
                while (openReaders.get() > 0 && (left = deadline - System.nanoTime()) > 0)
                    wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            endedAt = Instant.now();
            end.complete(endEvent);
            ObjectNode ev = wrap("end", endEvent);
            for (Subscriber s : subscribers) s.events.add(ev);
            subscribers.clear();
        }
        closeQuietly(stdin);
    }

    /** envd's EndEvent: Go's exit code and process-state string ("exit status 3", "signal: killed"). */
    private ObjectNode endEvent() {
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        ObjectNode e = ProtoJson.object();
        int signal = signalSent;
        if (signal != 0 && code == 128 + signal) {
            String status = "signal: " + (signal == SIGKILL ? "killed" : "terminated");
            e.put("exitCode", -1);
            e.put("status", status);
            e.put("error", status);
            return e;
        }
        if (code != 0) e.put("exitCode", code);
        e.put("exited", true);
        e.put("status", "exit status " + code);
        if (code != 0) e.put("error", "exit status " + code);
        return e;
    }

    static ObjectNode wrap(String kind, ObjectNode body) {
        ObjectNode ev = ProtoJson.object();
        ev.set(kind, body);
        return ev;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
