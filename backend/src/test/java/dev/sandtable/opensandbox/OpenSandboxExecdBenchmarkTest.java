package dev.sandtable.opensandbox;

import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.testing.Bench;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What the latency lab's probes would measure over execd, against the specification-driven test server on loopback:
 * command-stream start ({@code POST /command} → its {@code init} event, and → the first {@code stdout}) and the
 * line-mode terminal's round trip (the fallback for an execd without {@code /pty}), the polling watch's event latency
 * (file written → event; dominated by the 100 ms resolution); and the PTY terminal's keystroke echo and command line
 * round trips over execd's {@code /pty} WebSocket. Prints the numbers.
 */
@Tag("benchmark")
class OpenSandboxExecdBenchmarkTest {
    static final String KEY = "bench";

    @Test
    void execdLatencies(@TempDir Path dir) throws Exception {
        try (var server = new OpenSandboxTestServer(KEY);
             var backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofSeconds(5)))) {
            String id = server.seedSandbox("bench", "Running");
            ExecdClient execd = backend.execd(id).get(30, TimeUnit.SECONDS);

            Histogram init = new Histogram(3), first = new Histogram(3);
            int n = Bench.count(100), warmup = Bench.smoke() ? 0 : 20;
            for (int i = 0; i < warmup + n; i++) {
                long t0 = System.nanoTime();
                long[] at = {0, 0};
                execd.runCommand("echo x" + i, e -> {
                    String type = e.path("type").asText();
                    if (type.equals("init") && at[0] == 0) at[0] = System.nanoTime();
                    if (type.equals("stdout") && at[1] == 0) at[1] = System.nanoTime();
                }).get(30, TimeUnit.SECONDS);
                if (i < warmup) continue;
                init.recordValue((at[0] - t0) / 1000);
                first.recordValue((at[1] - t0) / 1000);
            }
            print("command stream start (POST /command -> init event)" + Bench.mark(n), init);
            print("command first output (POST /command -> first stdout)" + Bench.mark(n), first);

            // the line-mode fallback (an execd without /pty), after those streams on the same client: session 2 saw its
            // first line hang here once; it has not happened since
            server.ptySupported = false;
            var terminal = backend.openTerminal(id, new dev.sandtable.spi.TerminalRequest(java.util.List.of(), 80, 24, java.util.Map.of(), null))
                    .get(30, TimeUnit.SECONDS);
            TerminalOutput lines = TerminalOutput.readFrom(terminal.output());
            lines.await("$ ", 0);
            Histogram lineMode = new Histogram(3);
            int lineCount = Bench.count(50);
            for (int i = 0; i < lineCount; i++) {
                int from = lines.length();
                long t0 = System.nanoTime();
                terminal.write(("echo line$((" + i + "+1))\r").getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
                lines.await("line" + (i + 1) + "\r\n", from);
                lineMode.recordValue((System.nanoTime() - t0) / 1000);
            }
            terminal.close();
            print("line-mode terminal: command line -> its output (fallback)" + Bench.mark(lineCount), lineMode);

            backend.watchInterval(Duration.ofMillis(100));
            LinkedBlockingQueue<FsEvent> events = new LinkedBlockingQueue<>();
            var w = backend.watchDir(id, new WatchRequest(dir.toString(), false), (WatchListener) events::add).get(30, TimeUnit.SECONDS);
            Histogram watch = new Histogram(3);
            int files = Bench.count(40);
            for (int i = 0; i < files; i++) {
                long t0 = System.nanoTime();
                Files.writeString(dir.resolve("f" + i), "x");
                FsEvent e;
                do e = events.poll(10, TimeUnit.SECONDS); while (e != null && !e.path().equals("f" + i));
                assertNotNull(e, "the event for f" + i);
                watch.recordValue((System.nanoTime() - t0) / 1000);
            }
            w.close();
            print("polling watch event (write -> event, 100 ms resolution)" + Bench.mark(files), watch);
            CompletableFuture.completedFuture(null);
        }
    }

    /**
     * The PTY terminal's latencies over execd's {@code /pty} WebSocket (a real bash in a pty4j PTY behind the test
     * server): a keystroke to its echo by the TTY, and a typed command line to its output line.
     */
    @Test
    void ptyEchoLatencies() throws Exception {
        try (var server = new OpenSandboxTestServer(KEY);
             var backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofSeconds(5)))) {
            ExecdClient execd = backend.execd(server.seedSandbox("bench-pty", "Running")).get(30, TimeUnit.SECONDS);
            String id = execd.createPty(null, null).get(30, TimeUnit.SECONDS);
            TerminalOutput out = new TerminalOutput();
            ExecdPty pty = execd.connectPty(id, ExecdPty.Options.pty(), out).get(30, TimeUnit.SECONDS);
            pty.stdin("PS1='$ '\r".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
            out.await("$ ", 0);

            int n = Bench.count(300), warmup = Bench.smoke() ? 0 : 30;
            Histogram key = new Histogram(3), line = new Histogram(3);
            for (int i = 0; i < n + warmup; i++) {
                int from = out.length();
                long t0 = System.nanoTime();
                pty.stdin(new byte[]{'k'}).get(30, TimeUnit.SECONDS);
                out.await("k", from);
                long echoed = System.nanoTime();
                pty.stdin("\u0015".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS); // Ctrl+U: the line is empty again

                from = out.length();
                long t1 = System.nanoTime();
                pty.stdin(("echo tok$((" + i + "+1))\r").getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
                out.await("tok" + (i + 1) + "\r\n", from);
                long done = System.nanoTime();
                if (i < warmup) continue;
                key.recordValue((echoed - t0) / 1000);
                line.recordValue((done - t1) / 1000);
            }
            print("PTY keystroke -> its echo (WebSocket, real bash PTY)" + Bench.mark(n), key);
            print("PTY command line -> its output line" + Bench.mark(n), line);
            pty.close();
            execd.deletePty(id).get(30, TimeUnit.SECONDS);
        }
    }

    private static void print(String what, Histogram h) {
        System.out.printf("%-62s n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n", what, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
