package dev.sandtable.latency;

import dev.sandtable.e2b.server.NginxProxy;
import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import dev.sandtable.testing.Bench;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The execd probes' numbers, printed, not asserted: every execd stream of a sandbox of the spec-driven OpenSandbox
 * test server (real local processes; the window's 1 s polling interval; execd's 1 s grace and 3 s pings) directly,
 * then every stream through nginx over TLS three ways: CubeProxy's buffering (which ignores
 * {@code X-Accel-Buffering}), the fix (buffering off for execd's SSE locations), and plain {@code proxy_buffering on}
 * that obeys execd's {@code X-Accel-Buffering: no}; the PTY's WebSocket passes every nginx unbuffered.
 * Run: {@code ./mvnw -B verify -Pbench -pl backend -Dtest=ExecdLatencyProbeBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class ExecdLatencyProbeBenchmarkTest {
    static final int ITERATIONS = Bench.count(20, 2);
    static final String KEY = "bench-key";

    @TempDir
    Path dir;

    @Test
    void execdStreamsDirectlyAndThroughNginx() throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        Requirements.require(TestCerts.opensslPresent(), TestCerts.MISSING);
        TestCerts certs = TestCerts.make(dir.resolve("tls"));
        Duration window = Duration.ofMillis(Bench.smoke() ? 800 : 3000);
        try (OpenSandboxTestServer server = new OpenSandboxTestServer(KEY)) {
            server.execdGrace = Duration.ofSeconds(1);
            String id = server.seedSandbox("bench", "Running");
            OpenSandboxConfig config = new OpenSandboxConfig(server.apiUrl(), KEY);
            ExecdClient execd;
            try (var backend = new OpenSandboxBackend(config)) {
                execd = backend.execd(id).get(30, TimeUnit.SECONDS);
            }
            // nginx in front of the test server's execd endpoint (its Vert.x front: the PTY's WebSocket, the rest passed on)
            String path = URI.create(execd.base()).getRawPath(), upstream = "http://127.0.0.1:" + URI.create(execd.base()).getPort();
            ProbeSettings base = ProbeSettings.defaults().withIterations(ITERATIONS).withSpreadWindow(window).withKeepalives(Bench.smoke() ? 2 : 3);
            ProbeTarget.Execd direct = new ProbeTarget.Execd("direct", config, null, null, certs.certificate(), null);

            long t0 = System.nanoTime();
            ProbeReport d = LatencyLab.start(List.of(direct), id, null, base.withStreams(StreamKind.supported(Protocol.EXECD)), null).await(600);
            print("execd directly, every stream, n=" + ITERATIONS + ", window " + window.toMillis() + " ms" + Bench.mark(ITERATIONS), d, t0);
            assertNull(d.failure());

            List<NginxProxy> proxies = new ArrayList<>();
            try {
                proxies.add(nginx("cubeproxy", new NginxProxy.Options(false, true, null, null), certs, upstream));
                proxies.add(nginx("fixed", new NginxProxy.Options(true, true, null, null), certs, upstream));
                proxies.add(nginx("obeying", new NginxProxy.Options(false, false, null, null), certs, upstream));
                List<ProbeTarget> targets = new ArrayList<>(List.of(direct));
                String[] labels = {"cubeproxy", "fixed", "obeying"};
                for (int i = 0; i < 3; i++) targets.add(direct.through(labels[i], URI.create(proxies.get(i).url() + path)));
                t0 = System.nanoTime();
                ProbeReport ab = LatencyLab.start(targets, id, null, base.withStreams(StreamKind.supported(Protocol.EXECD)), null).await(900);
                print("directly and through nginx over TLS (CubeProxy's buffering, the fix, proxy_buffering on obeying X-Accel-Buffering)"
                        + Bench.mark(ITERATIONS), ab, t0);
                assertNull(ab.failure());
            } finally {
                proxies.forEach(NginxProxy::close);
            }
        }
    }

    private NginxProxy nginx(String name, NginxProxy.Options o, TestCerts certs, String upstream) throws Exception {
        return NginxProxy.start(dir.resolve("nginx-" + name), upstream, o.withTls(certs.certificate(), certs.key()), NginxProxy.EXECD_STREAMING_LOCATION);
    }

    private static void print(String title, ProbeReport r, long t0) {
        System.out.printf(Locale.ROOT, "%n%s (%.1f s)%n", title, (System.nanoTime() - t0) / 1e9);
        System.out.printf(Locale.ROOT, "%-10s %-11s %-9s %-9s %5s %10s %10s %10s%n", "endpoint", "stream", "verdict", "metric", "n", "p50 ms", "p90 ms", "max ms");
        for (StreamResult s : r.results())
            for (Metric m : s.metrics())
                System.out.printf(Locale.ROOT, "%-10s %-11s %-9s %-9s %5d %10.2f %10.2f %10.2f%n", s.endpoint(), s.stream().cliName(), s.verdict(),
                        m.name(), m.count(), m.p50Ms(), m.p90Ms(), m.maxMs());
        for (StreamResult s : r.results()) if (s.verdict() != Verdict.PROMPT) System.out.println(s.verdict() + " " + s.endpoint() + " " + s.stream().cliName() + ": " + s.reason());
    }
}
