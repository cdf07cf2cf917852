package dev.sandtable.app.ui;

import dev.sandtable.spi.Backend;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.FsEvent.FsEventType;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A backend for the documentation's terminal and watch screenshots: everything is the wrapped backend's, except
 * that a terminal plays a fixed shell transcript and a directory watch reports fixed events at fixed times (a real
 * shell or envd would show this machine's files and the wall clock, so no two retakes would match). The first watch
 * stream drops after its events, so the window shows how it reconnects and marks the gap.
 */
final class ScriptedSandboxIo {
    private ScriptedSandboxIo() {
    }

    static Backend around(Backend real, Clock clock) {
        AtomicInteger watches = new AtomicInteger();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "openTerminal" -> {
                    return CompletableFuture.completedFuture(new Transcript());
                }
                case "watchDir" -> {
                    return CompletableFuture.completedFuture(watch(watches.getAndIncrement(), (WatchRequest) args[1],
                            (WatchListener) args[2], clock.instant()));
                }
                default -> {
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            }
        });
    }

    private static DirectoryWatch watch(int n, WatchRequest request, WatchListener l, Instant t0) {
        if (n == 0) {
            l.onState(new WatchState.Started(t0, Duration.ofMillis(14)));
            event(l, t0, 120, FsEventType.CREATE, "src/app.py", 3);
            event(l, t0, 180, FsEventType.WRITE, "src/app.py", 2);
            event(l, t0, 950, FsEventType.CREATE, "build/.tmp-4f2a", 4);
            event(l, t0, 990, FsEventType.RENAME, "build/.tmp-4f2a", 3);
            event(l, t0, 990, FsEventType.CREATE, "build/app.tar", 3);
            event(l, t0, 1400, FsEventType.CHMOD, "run.sh", 2);
            l.onState(new WatchState.Ended(t0.plusMillis(2000), new SandtableException(ErrorCode.UNAVAILABLE, "the stream was cut")));
        } else {
            Instant t1 = t0.plusSeconds(4);
            l.onState(new WatchState.Started(t1, Duration.ofMillis(17)));
            event(l, t1, 300, FsEventType.WRITE, "logs/server.log", 5);
            event(l, t1, 800, FsEventType.REMOVE, "build/app.tar", 3);
            event(l, t1, 810, FsEventType.WRITE, "README.md", 2);
        }
        return new DirectoryWatch() {
            private volatile boolean open = n > 0;

            @Override
            public WatchRequest request() {
                return request;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    private static void event(WatchListener l, Instant base, long atMs, FsEventType type, String path, long latencyMs) {
        l.onEvent(new FsEvent(base.plusMillis(atMs), type, path, Duration.ofMillis(latencyMs)));
    }

    /** A shell session that prints a fixed transcript, hides its cursor (no blinking caret) and waits until closed. */
    private static final class Transcript implements TerminalSession {
        private static final String ESC = "\u001b[";
        private static final String PROMPT = ESC + "1;32muser@web-1" + ESC + "0m:" + ESC + "1;34m~/project" + ESC + "0m$ ";
        private static final String TEXT = PROMPT + "ls\r\n"
                + ESC + "1;34mbuild" + ESC + "0m  " + ESC + "1;34mlogs" + ESC + "0m  README.md  " + ESC + "1;32mrun.sh" + ESC + "0m  "
                + ESC + "1;34msrc" + ESC + "0m\r\n"
                + PROMPT + "python3 -m pytest -q\r\n"
                + "........................................                                 [100%]\r\n"
                + ESC + "32m40 passed" + ESC + "0m in 1.82s\r\n"
                + PROMPT + "./run.sh --port 8080\r\n"
                + "serving on http://0.0.0.0:8080 (Ctrl+C to stop)\r\n"
                + ESC + "33mWARN" + ESC + "0m  debug mode is on\r\n"
                + "^C\r\n"
                + PROMPT + ESC + "?25l";
        private final CountDownLatch closed = new CountDownLatch(1);
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final InputStream output = new InputStream() {
            private final ByteArrayInputStream text = new ByteArrayInputStream(TEXT.getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = text.read(b, off, len);
                if (n > 0) return n;
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return -1;
            }
        };

        @Override
        public String id() {
            return "412";
        }

        @Override
        public InputStream output() {
            return output;
        }

        @Override
        public CompletableFuture<Void> write(byte[] input) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> resize(int columns, int rows) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        @Override
        public void onState(Consumer<TerminalState> listener) {
            listener.accept(TerminalState.CONNECTED);
        }

        @Override
        public void close() {
            closed.countDown();
            exit.complete(-1);
        }
    }
}
