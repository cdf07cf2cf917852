package dev.sandtable.latency;

import dev.sandtable.e2b.server.NginxProxy;
import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CubeProxy bug shape in front of OpenSandbox's execd, with a real nginx over TLS: CubeProxy's buffering settings
 * (which ignore {@code X-Accel-Buffering}) hold execd's {@code POST /command} SSE until the stream ends, so the
 * command and background probes are BUFFERED; the fix (buffering off for execd's SSE locations) makes them PROMPT;
 * and an nginx with plain {@code proxy_buffering on} that obeys the {@code X-Accel-Buffering: no} execd sends passes
 * them on (PROMPT). The polled directory watch is unary calls and the PTY a WebSocket: PROMPT through all three. One
 * run, three endpoints, in front of the test server's execd endpoint (its Vert.x front, which serves the PTY).
 */
class ExecdNginxBufferingReproductionTest {
    static final String KEY = "nginx-key";
    @TempDir
    static Path dir;
    static OpenSandboxTestServer server;
    static TestCerts certs;
    static NginxProxy buffered;
    static NginxProxy fixed;
    static NginxProxy obeying;
    static String sandbox;
    static ExecdClient execd;

    @BeforeAll
    static void start() throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        Requirements.require(TestCerts.opensslPresent(), TestCerts.MISSING);
        certs = TestCerts.make(dir.resolve("tls"));
        server = new OpenSandboxTestServer(KEY);
        server.execdGrace = Duration.ofSeconds(1);
        sandbox = server.seedSandbox("probed", "Running");
        try (var backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY))) {
            execd = backend.execd(sandbox).get(30, TimeUnit.SECONDS);
        }
        URI front = URI.create(execd.base());
        String upstream = "http://127.0.0.1:" + front.getPort();
        buffered = NginxProxy.start(dir.resolve("nginx-buffered"), upstream,
                new NginxProxy.Options(false, true, null, null).withTls(certs.certificate(), certs.key()), NginxProxy.EXECD_STREAMING_LOCATION);
        fixed = NginxProxy.start(dir.resolve("nginx-fixed"), upstream,
                new NginxProxy.Options(true, true, null, null).withTls(certs.certificate(), certs.key()), NginxProxy.EXECD_STREAMING_LOCATION);
        obeying = NginxProxy.start(dir.resolve("nginx-obeying"), upstream,
                new NginxProxy.Options(false, false, null, null).withTls(certs.certificate(), certs.key()), NginxProxy.EXECD_STREAMING_LOCATION);
    }

    @AfterAll
    static void stop() {
        for (NginxProxy n : new NginxProxy[]{buffered, fixed, obeying}) if (n != null) n.close();
        if (server != null) server.close();
    }

    @Test
    void commandStreamsAreBufferedThroughCubeProxysNginxAndPromptWithTheFixWhileThePtyAndThePolledWatchAreNot() throws Exception {
        String id = sandbox;
        OpenSandboxConfig config = new OpenSandboxConfig(server.apiUrl(), KEY);
        String path = URI.create(execd.base()).getRawPath(); // /sandboxes/<id>/port/44772 on the test server
        ProbeTarget.Execd direct = new ProbeTarget.Execd("cubeproxy", config, URI.create(buffered.url() + path), null, certs.certificate(),
                Duration.ofMillis(100));
        List<ProbeTarget> targets = List.of(direct, direct.through("fixed", URI.create(fixed.url() + path)),
                direct.through("obeying", URI.create(obeying.url() + path)));
        ProbeSettings s = ProbeSettings.defaults().withStreams(List.of(StreamKind.START, StreamKind.BACKGROUND, StreamKind.WATCHDIR, StreamKind.PTY))
                .withIterations(3).withSpreadWindow(Duration.ofMillis(1200)).withCallTimeout(Duration.ofSeconds(5));
        ProbeReport r = LatencyLab.start(targets, id, null, s, null).await(180);
        System.out.println(ProbeReports.toCsv(r));
        assertThat(r.failure()).isNull();
        assertThat(r.results()).hasSize(12);
        for (StreamResult res : r.results()) {
            boolean sse = res.stream() == StreamKind.START || res.stream() == StreamKind.BACKGROUND;
            Verdict expected = res.endpoint().equals("cubeproxy") && sse ? Verdict.BUFFERED : Verdict.PROMPT;
            assertThat(res.verdict()).as(res.endpoint() + " " + res.stream() + ": " + res.reason()).isEqualTo(expected);
        }
        // the evidence: through the buffering nginx even the response headers came only at the stream's end
        Trial held = r.results().stream().filter(x -> x.endpoint().equals("cubeproxy") && x.stream() == StreamKind.START)
                .findFirst().orElseThrow().trials().getFirst();
        assertThat(held.headersMs()).isGreaterThan(1200.0);
        assertThat(r.comparisons()).anySatisfy(c -> {
            assertThat(c.stream()).isEqualTo(StreamKind.WATCHDIR);
            assertThat(c.b()).isEqualTo("fixed");
        });
        assertThat(server.violations()).isEmpty();
    }
}
