package dev.sandtable.e2b;

import dev.sandtable.model.LatencySummary;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import dev.sandtable.testing.Bench;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The client's stream latencies against Sandtable's own E2B server on loopback:
 * PTY echo (SendInput of one key until the PTY echoes it on the Start stream), terminal open, WatchDir start and
 * event latency (file written on the host until its event arrives). Prints microsecond percentiles.
 * Run: ./mvnw -B verify -Pbench -pl backend -Dtest=E2bClientBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("benchmark")
class E2bClientBenchmarkTest {
    private static final int WARMUP = Bench.count(50);
    private static final int ROUNDS = Bench.count(500);
    private static final int OPENS = Bench.count(10);

    @TempDir
    Path dir;

    private static String line(String what, Histogram h) {
        LatencySummary s = LatencySummary.of(h);
        return String.format("%-28s n=%d p50=%d us p90=%d us p99=%d us max=%d us", what, s.count(), s.p50Micros(), s.p90Micros(),
                s.p99Micros(), s.maxMicros());
    }

    @Test
    void streamLatencies() throws Exception {
        try (LocalE2bServer server = new LocalE2bServer(dir)) {
            Sandbox sb = server.backend.create(new CreateSandboxRequest("bench", "base", null, Map.of())).join();

            Histogram open = new Histogram(3);
            for (int i = 0; i < OPENS; i++) {
                long t0 = System.nanoTime();
                TerminalSession t = server.backend.openTerminal(sb.id(), TerminalRequest.shell(80, 24)).get(30, TimeUnit.SECONDS);
                open.recordValue((System.nanoTime() - t0) / 1000);
                t.close();
            }

            TerminalSession t = server.backend.openTerminal(sb.id(), TerminalRequest.shell(80, 24)).get(30, TimeUnit.SECONDS);
            InputStream out = t.output();
            t.write("stty -echoctl; PS1=''\r".getBytes());
            Thread.sleep(500);
            while (out.available() > 0 || drain(out)) { /* discard the prompt */ }
            Histogram echo = new Histogram(3);
            byte[] buf = new byte[4096];
            for (int i = 0; i < WARMUP + ROUNDS; i++) {
                byte key = (byte) ('a' + i % 26);
                long t0 = System.nanoTime();
                t.write(new byte[]{key});
                boolean seen = false;
                while (!seen) {
                    int n = out.read(buf);
                    for (int k = 0; k < n; k++) if (buf[k] == key) seen = true;
                }
                if (i >= WARMUP) echo.recordValue((System.nanoTime() - t0) / 1000);
                if (i % 60 == 59) t.write(new byte[]{0x15}); // Ctrl+U: keep the line short
            }
            t.close();

            Path ws = server.workspace(sb.id());
            Files.createDirectories(ws.resolve("bench"));
            LinkedBlockingQueue<FsEvent> events = new LinkedBlockingQueue<>();
            long[] start = new long[1];
            DirectoryWatch w = server.backend.watchDir(sb.id(), new WatchRequest("bench", false), new WatchListener() {
                @Override
                public void onEvent(FsEvent event) {
                    events.add(event);
                }

                @Override
                public void onState(WatchState state) {
                    if (state instanceof WatchState.Started s) start[0] = s.startLatency().toNanos() / 1000;
                }
            }).get(30, TimeUnit.SECONDS);
            Histogram watch = new Histogram(3);
            for (int i = 0; i < WARMUP + ROUNDS; i++) {
                String name = "f" + i;
                long t0 = System.nanoTime();
                Files.writeString(ws.resolve("bench").resolve(name), "x");
                while (true) {
                    FsEvent e = events.poll(10, TimeUnit.SECONDS);
                    if (e == null) throw new AssertionError("no event for " + name);
                    if (e.path().equals(name) && e.type() == FsEvent.FsEventType.CREATE) break;
                }
                if (i >= WARMUP) watch.recordValue((System.nanoTime() - t0) / 1000);
            }
            w.close();

            System.out.println("E2B client benchmark (loopback, Sandtable's E2B server, no isolation):" + Bench.mark(ROUNDS));
            System.out.println(line("terminal open (Start->pid)", open));
            System.out.println(line("PTY echo (SendInput->data)", echo));
            System.out.println(line("WatchDir event (write->evt)", watch));
            System.out.println("WatchDir start (request->start): " + start[0] + " us");
        }
    }

    private static boolean drain(InputStream in) throws Exception {
        if (in.available() == 0) return false;
        in.read(new byte[in.available()]);
        return true;
    }
}
