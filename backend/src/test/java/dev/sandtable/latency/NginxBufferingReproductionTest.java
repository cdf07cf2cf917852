package dev.sandtable.latency;

import dev.sandtable.e2b.server.NginxProxy;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CubeProxy streaming bug reproduced with a real nginx (envd-protocol.md §6.4): a TLS listener with a self-signed
 * certificate the probe is told to trust, CubeProxy's buffering settings and gzip for JSON. Through it the probe must
 * call Start, Connect and WatchDir BUFFERED; through the same nginx with buffering and gzip off for exactly those
 * three locations (the fix), PROMPT. Both in one A/B run.
 */
class NginxBufferingReproductionTest {
    @TempDir
    static Path dir;
    static LocalLab lab;
    static TestCerts certs;
    static NginxProxy buffered;
    static NginxProxy fixed;

    @BeforeAll
    static void start() throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        Requirements.require(TestCerts.opensslPresent(), TestCerts.MISSING);
        certs = TestCerts.make(dir.resolve("tls"));
        lab = new LocalLab(dir.resolve("service"));
        buffered = NginxProxy.start(dir.resolve("nginx-buffered"), lab.url(),
                new NginxProxy.Options(false, true, null, null).withTls(certs.certificate(), certs.key()));
        fixed = NginxProxy.start(dir.resolve("nginx-fixed"), lab.url(),
                new NginxProxy.Options(true, true, null, null).withTls(certs.certificate(), certs.key()));
    }

    @AfterAll
    static void stop() {
        if (buffered != null) buffered.close();
        if (fixed != null) fixed.close();
        if (lab != null) lab.close();
    }

    private static ProbeTarget through(String label, NginxProxy nginx) {
        return ProbeTarget.envd(label, lab.config(nginx.url()).withCaCert(certs.certificate()));
    }

    @Test
    void startConnectAndWatchDirAreBufferedThroughCubeProxysNginxAndPromptWithTheFix() throws Exception {
        ProbeSettings s = ProbeSettings.defaults().withStreams(List.of(StreamKind.START, StreamKind.CONNECT, StreamKind.WATCHDIR))
                .withIterations(3).withSpreadWindow(Duration.ofMillis(1200)).withCallTimeout(Duration.ofSeconds(5));
        ProbeReport r = LatencyLab.start(List.of(through("cubeproxy", buffered), through("fixed", fixed)), null, null, s, null).await(120);
        System.out.println(ProbeReports.toCsv(r));
        assertThat(r.failure()).isNull();
        for (StreamResult res : r.results()) {
            Verdict expected = res.endpoint().equals("cubeproxy") ? Verdict.BUFFERED : Verdict.PROMPT;
            assertThat(res.verdict()).as(res.endpoint() + " " + res.stream() + ": " + res.reason()).isEqualTo(expected);
        }
        assertThat(r.results()).hasSize(6);
        // the evidence: through the buffering nginx even the response headers came only at the stream's end
        Trial held = r.results().stream().filter(x -> x.endpoint().equals("cubeproxy") && x.stream() == StreamKind.WATCHDIR)
                .findFirst().orElseThrow().trials().getFirst();
        assertThat(held.headersMs()).isGreaterThan(1200.0);
        assertThat(r.comparisons()).anySatisfy(c -> {
            assertThat(c.stream()).isEqualTo(StreamKind.WATCHDIR);
            assertThat(c.metric()).isEqualTo("start");
        });
    }

    @Test
    void anUntrustedCertificateIsAClearFailureNamingTheHost() throws Exception {
        ProbeSettings s = ProbeSettings.defaults().withStreams(List.of(StreamKind.START)).withIterations(1);
        ProbeTarget untrusted = ProbeTarget.envd("untrusted", lab.config(fixed.url()));
        ProbeReport r = LatencyLab.start(List.of(untrusted), null, null, s, null).await(60);
        assertThat(r.overall()).isEqualTo(Verdict.FAILED);
        assertThat(r.failure()).contains("127.0.0.1").contains("not trusted").contains("--ca-cert").contains("SSL_CERT_FILE");
        assertThat(lab.runtime.inventory().sandboxes()).isEmpty();
    }
}
