package dev.sandtable.e2b.server;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.latency.LatencyLab;
import dev.sandtable.latency.Metric;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeSettings;
import dev.sandtable.latency.ProbeTarget;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;
import dev.sandtable.latency.Trial;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The latency lab's own overhead and speed, printed, not asserted:
 * <ul>
 * <li>p50 of WatchDir and PTY latencies as the probe reports them beside the same measured the way
 * {@code E2bLatencyBenchmarkTest} does (one long-lived stream, the file written on the host), against the same server;</li>
 * <li>the time of a full probe run: every stream, 100 iterations each, on loopback.</li>
 * </ul>
 * Run: {@code ./mvnw -B verify -Pbench -pl backend -Dtest=LatencyProbeBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class LatencyProbeBenchmarkTest {
    static final int ROUNDS = Bench.count(100);
    static final int WARMUP = Bench.count(20);
    static final int BLOCK = Math.min(10, ROUNDS);

    @TempDir
    Path dir;

    @Test
    void probeOverheadAndAFullRun() throws Exception {
        try (E2bTestServer server = new E2bTestServer(dir.resolve("service"), LocalRuntimeOptions.defaults().withStopGrace(Duration.ofMillis(300)))) {
            var sb = server.create("{\"templateID\":\"base\"}");
            String local = server.runtime.inventory().sandboxes().getFirst().id();
            Path watched = Files.createDirectories(server.runtime.workspace(local).resolve("watched"));
            URI url = URI.create(server.url());
            ProbeTarget direct = ProbeTarget.envd("direct", new E2bConfig(url, server.apiKey(), "localhost", E2bConfig.Routing.SANDBOX_URL, url, null, null));
            System.out.println("isolation: " + server.runtime.isolation().detail() + "; " + ROUNDS + " rounds after " + WARMUP + " warm-up rounds"
                    + Bench.mark(ROUNDS));

            ProbeSettings s = ProbeSettings.defaults().withStreams(List.of(StreamKind.WATCHDIR, StreamKind.PTY))
                    .withSpreadWindow(Duration.ofMillis(400)).withIterations(BLOCK);
            StreamingLatencies.watchDir(server, sb, watched, "watched", WARMUP);
            StreamingLatencies.ptyEcho(server, sb, WARMUP);
            LatencyLab.start(List.of(direct), sb.id(), null, s.withIterations(WARMUP), null).await(600);
            // blocks of BLOCK rounds, the two ways in turn, so that warm-up and the machine's load fall on both alike
            long[] watch = new long[ROUNDS], viaFiles = new long[ROUNDS], echo = new long[ROUNDS];
            double[] event = new double[ROUNDS], ptyEcho = new double[ROUNDS], create = new double[ROUNDS], start = new double[ROUNDS];
            for (int b = 0; b < ROUNDS / BLOCK; b++) {
                System.arraycopy(StreamingLatencies.watchDir(server, sb, watched, "watched", BLOCK), 0, watch, b * BLOCK, BLOCK);
                System.arraycopy(watchDirViaFiles(server, sb, BLOCK), 0, viaFiles, b * BLOCK, BLOCK);
                System.arraycopy(StreamingLatencies.ptyEcho(server, sb, BLOCK), 0, echo, b * BLOCK, BLOCK);
                ProbeReport r = LatencyLab.start(List.of(direct), sb.id(), null, s, null).await(600);
                copy(r.results().get(0), "event", event, b);
                copy(r.results().get(0), "start", start, b);
                copy(r.results().get(1), "echo", ptyEcho, b);
                copy(r.results().get(1), "create", create, b);
            }
            System.out.printf("%-52s %12s %12s %10s%n", "p50 in ms", "benchmark", "probe", "probe-bm");
            System.out.printf("%-52s %12.2f %12.2f %10.2f%n", "WatchDir write -> event (bm: host write; probe: /files)", p50(watch), p50(event),
                    p50(event) - p50(watch));
            System.out.printf("%-52s %12.2f %12.2f %10.2f%n", "WatchDir write -> event (bm and probe: /files)", p50(viaFiles), p50(event),
                    p50(event) - p50(viaFiles));
            System.out.printf("%-52s %12.2f %12.2f %10.2f%n", "PTY SendInput -> echo", p50(echo), p50(ptyEcho), p50(ptyEcho) - p50(echo));
            System.out.printf("%-52s %12s %12.2f%n", "probe: PTY create (Start with pty -> start)", "", p50(create));
            System.out.printf("%-52s %12s %12.2f%n", "probe: WatchDir request -> start", "", p50(start));

            long t0 = System.nanoTime();
            ProbeReport full = LatencyLab.start(List.of(direct), sb.id(), null, ProbeSettings.defaults().withIterations(ROUNDS), null).await(1200);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("full probe run, all streams, %d iterations each, default 3 s evidence window: %.1f s (overall %s%s)%n", ROUNDS, seconds,
                    full.overall(), full.failure() == null ? "" : ", " + full.failure());
            for (StreamResult res : full.results()) {
                double ms = res.trials().stream().mapToDouble(Trial::startedMs).max().orElse(0) - res.trials().stream().mapToDouble(Trial::startedMs).min().orElse(0);
                StringBuilder m = new StringBuilder();
                for (Metric x : res.metrics()) m.append(String.format(" %s p50 %.2f p90 %.2f p99 %.2f max %.2f (n=%d);", x.name(), x.p50Ms(), x.p90Ms(), x.p99Ms(), x.maxMs(), x.count()));
                System.out.printf("  %-10s %-8s %6.1f s %s%n", res.stream().cliName(), res.verdict(), ms / 1000, m);
            }
        }
    }

    /** As StreamingLatencies.watchDir, but each file written through envd's POST /files, as the probe writes it. */
    private static long[] watchDirViaFiles(E2bTestServer server, E2bTestServer.Created sb, int rounds) {
        long[] out = new long[rounds];
        String prefix = "v" + System.nanoTime() + "-";
        try (var w = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"watched\"}",
                java.util.Map.of("Keepalive-Ping-Interval", "50", "Connect-Timeout-Ms", "60000"))) {
            w.next();
            for (int i = 0; i < rounds; i++) {
                String name = prefix + i;
                var req = server.envdRequest(sb, "/files?path=watched/" + name).header("Content-Type", "application/octet-stream")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build();
                long t0 = System.nanoTime();
                var sent = server.http.sendAsync(req, java.net.http.HttpResponse.BodyHandlers.discarding());
                while (true) {
                    var m = w.next();
                    if (m == null || m.endStream()) throw new AssertionError("the watch ended");
                    if (m.json().path("filesystem").path("name").asText().equals(name)) break;
                }
                out[i] = System.nanoTime() - t0;
                if (sent.join().statusCode() != 200) throw new AssertionError("POST /files failed");
            }
        }
        return out;
    }

    /** The iterations' values of one metric (not the evidence trial's) into block {@code b}. */
    private static void copy(StreamResult r, String metric, double[] into, int b) {
        double[] v = r.trials().stream().filter(t -> !t.evidence() && t.measurements().containsKey(metric))
                .mapToDouble(t -> t.measurements().get(metric)).toArray();
        if (v.length != BLOCK) throw new AssertionError(r.stream() + " " + metric + ": " + v.length + " values; " + r.reason());
        System.arraycopy(v, 0, into, b * BLOCK, BLOCK);
    }

    private static double p50(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double p50(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }
}
