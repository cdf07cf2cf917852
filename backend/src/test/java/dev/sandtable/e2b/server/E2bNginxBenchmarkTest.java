package dev.sandtable.e2b.server;

import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.testing.Bench;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The three streaming latencies of envd-protocol.md §6.4 (WatchDir write-to-event, PTY input-to-echo, background
 * Start-to-start event) measured in one run directly against the service and through a real nginx with buffering
 * off for the envd streaming locations (CubeProxy's fix), plus nginx with its default buffering left on, for
 * comparison. Printed, not asserted. Needs nginx (skipped without it, except in CI).
 * Run: {@code ./mvnw -B verify -Pbench -pl backend -Dtest=E2bNginxBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class E2bNginxBenchmarkTest {
    static final int ROUNDS = Bench.count(100);
    static final int WARMUP = Bench.count(20);
    static final int BLOCK = Math.min(10, ROUNDS);

    @TempDir
    Path dir;

    @Test
    void directAndThroughNginx() throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        try (E2bTestServer direct = new E2bTestServer(dir.resolve("service"), LocalRuntimeOptions.defaults().withStopGrace(Duration.ofMillis(300)));
             NginxProxy off = NginxProxy.start(Files.createDirectories(dir.resolve("nginx-off")), direct.url(), true);
             NginxProxy on = NginxProxy.start(Files.createDirectories(dir.resolve("nginx-on")), direct.url(), false)) {
            var sb = direct.create("{\"templateID\":\"base\"}");
            String local = direct.runtime.inventory().sandboxes().getFirst().id();
            Path watched = Files.createDirectories(direct.runtime.workspace(local).resolve("watched"));
            E2bTestServer viaOff = direct.via(off.url()), viaOn = direct.via(on.url());
            System.out.println("isolation: " + direct.runtime.isolation().detail() + "; nginx " + NginxProxy.binary().orElseThrow()
                    + "; " + ROUNDS + " rounds after " + WARMUP + " warm-up rounds; p50 / p90 in ms" + Bench.mark(ROUNDS));
            System.out.printf("%-36s %17s %17s %8s %17s%n", "", "direct", "nginx buf. off", "ratio", "nginx buf. on");
            E2bTestServer[] targets = {direct, viaOff, viaOn};
            for (E2bTestServer t : targets) measure(t, sb, watched, WARMUP);
            // blocks of BLOCK rounds, the targets in turn, so that warm-up and machine noise fall on all columns alike
            long[][] watch = new long[3][ROUNDS], echo = new long[3][ROUNDS], start = new long[3][ROUNDS];
            for (int b = 0; b < ROUNDS / BLOCK; b++) {
                for (int t = 0; t < 3; t++) {
                    long[][] m = measure(targets[t], sb, watched, BLOCK);
                    System.arraycopy(m[0], 0, watch[t], b * BLOCK, BLOCK);
                    System.arraycopy(m[1], 0, echo[t], b * BLOCK, BLOCK);
                    System.arraycopy(m[2], 0, start[t], b * BLOCK, BLOCK);
                }
            }
            row("WatchDir host write -> event", watch);
            row("PTY SendInput -> echo", echo);
            row("background Start -> start event", start);
        }
    }

    private static long[][] measure(E2bTestServer s, E2bTestServer.Created sb, Path watched, int rounds) {
        return new long[][]{StreamingLatencies.watchDir(s, sb, watched, "watched", rounds), StreamingLatencies.ptyEcho(s, sb, rounds),
                StreamingLatencies.backgroundStart(s, sb, rounds)};
    }

    private static void row(String what, long[][] columns) {
        double[][] p = new double[columns.length][];
        for (int i = 0; i < columns.length; i++) p[i] = percentiles(columns[i]);
        System.out.printf("%-36s %7.2f / %7.2f %7.2f / %7.2f %7.2fx %7.2f / %7.2f%n", what, p[0][0], p[0][1], p[1][0], p[1][1],
                p[1][0] / p[0][0], p[2][0], p[2][1]);
    }

    private static double[] percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new double[]{s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6};
    }
}
