package dev.sandtable.opensandbox;

import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything a terminal printed, for tests to wait on: an {@link ExecdPty.Listener} (with its exit code, close status
 * and failure), or the output of a {@link dev.sandtable.spi.TerminalSession} read on a thread of its own.
 */
final class TerminalOutput implements ExecdPty.Listener {
    private static final long WAIT_SECONDS = 30;

    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    volatile SandtableException failure;
    private final StringBuilder seen = new StringBuilder();
    private boolean eof;

    /** The output of {@code in}, read on a platform thread until it ends. */
    static TerminalOutput readFrom(InputStream in) {
        TerminalOutput o = new TerminalOutput();
        Thread.ofPlatform().daemon().name("test-terminal-reader").start(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) o.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the terminal ended
            }
            synchronized (o) {
                o.eof = true;
                o.notifyAll();
            }
        });
        return o;
    }

    @Override
    public void output(byte[] bytes) {
        append(new String(bytes, StandardCharsets.UTF_8));
    }

    private synchronized void append(String text) {
        seen.append(text);
        notifyAll();
    }

    @Override
    public void exit(int code) {
        exit.complete(code);
    }

    @Override
    public synchronized void closed(int status, String reason, SandtableException failure) {
        this.failure = failure;
        closed.complete(status);
        notifyAll();
    }

    synchronized String text() {
        return seen.toString();
    }

    synchronized int length() {
        return seen.length();
    }

    /** Waits until {@code text} has been printed; everything printed so far. */
    String await(String text) throws InterruptedException {
        return await(text, 0);
    }

    /** Waits until {@code text} has been printed after position {@code from}; everything printed so far. */
    synchronized String await(String text, int from) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (seen.indexOf(text, from) < 0 && System.nanoTime() < end) wait(200);
        assertTrue(seen.indexOf(text, from) >= 0, "expected '" + text + "' on the terminal after position " + from + ", saw: " + seen);
        return seen.toString();
    }

    /** Waits until the output ends. */
    synchronized void awaitEof() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!eof && System.nanoTime() < end) wait(200);
        assertTrue(eof, "the output ends: " + seen);
    }
}
