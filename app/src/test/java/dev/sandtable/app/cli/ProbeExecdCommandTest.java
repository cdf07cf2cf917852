package dev.sandtable.app.cli;

import dev.sandtable.e2b.server.NginxProxy;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;
import dev.sandtable.latency.Protocol;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.TestCerts;
import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sandtable probe} over an OpenSandbox sandbox's execd (the spec-driven test server): reports, exit codes, usage. */
@Timeout(180)
class ProbeExecdCommandTest {
    static final String KEY = "cli-key";
    @TempDir
    static Path dir;
    static OpenSandboxTestServer server;
    static String sandbox;
    static ExecdClient execd;

    @BeforeAll
    static void start() throws Exception {
        CliContext.environment = Map::of;
        server = new OpenSandboxTestServer(KEY);
        server.execdGrace = Duration.ofSeconds(1);
        sandbox = server.seedSandbox("probed", "Running");
        try (var backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY))) {
            execd = backend.execd(sandbox).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        CliContext.environment = System::getenv;
        if (server != null) server.close();
    }

    private static CliRunner.Result probe(String... args) {
        List<String> all = new ArrayList<>(List.of("probe"));
        all.addAll(List.of(args));
        return new CliRunner(dir.resolve("home")).run(all.toArray(String[]::new));
    }

    @Test
    void anOpenSandboxSandboxIsProbedOverExecdWithReports() throws Exception {
        Path json = dir.resolve("execd.json"), csv = dir.resolve("execd.csv");
        CliRunner.Result r = probe("--opensandbox-url", server.apiUrl().toString(), "--api-key", KEY, "--sandbox", sandbox,
                "--streams", "start,background,watchdir", "--watch-poll-ms", "100", "-n", "2", "--window", "600",
                "--json", json.toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("endpoint: execd " + execd.base()).contains("background").contains("overall: PROMPT");
        ProbeReport report = ProbeReports.readJson(json);
        assertThat(report.endpoints().getFirst().protocol()).isEqualTo(Protocol.EXECD);
        assertThat(report.results()).extracting(x -> x.stream()).containsExactly(StreamKind.START, StreamKind.BACKGROUND, StreamKind.WATCHDIR);
        assertThat(Files.readAllLines(csv)).anyMatch(l -> l.startsWith("endpoint,watchdir,PROMPT,event,2,") && l.contains("resolution 100 ms"));
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void execdsUrlAndTokenAloneAreEnough() {
        CliRunner.Result r = probe("--execd-url", execd.base(), "--execd-token", execd.headers().get("X-EXECD-ACCESS-TOKEN"),
                "--streams", "start", "-n", "2", "--window", "600");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("endpoint: execd " + execd.base()).doesNotContain(", sandbox ");
    }

    @Test
    void usageErrorsNameWhatExecdLacksOrNeeds() {
        CliRunner.Result connect = probe("--execd-url", execd.base(), "--streams", "connect");
        assertThat(connect.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(connect.err()).contains("execd has no connect stream").contains("background");
        assertThat(probe("--opensandbox-url", server.apiUrl().toString(), "--sandbox", sandbox).err()).contains("OPEN_SANDBOX_API_KEY");
        assertThat(probe("--execd-url", execd.base(), "--sandbox", "x").err()).contains("--sandbox and --template need --opensandbox-url");
        assertThat(probe("--execd-url", "not a url").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(probe("--execd-url", execd.base(), "--sandbox-url", "http://x:1").err()).contains("are for an E2B platform's envd");
        CliRunner.Result dead = probe("--execd-url", "http://127.0.0.1:9", "--streams", "start", "-n", "1");
        assertThat(dead.code()).isEqualTo(ExitCodes.PROBE_FAILED);
        assertThat(dead.err()).contains("cannot reach execd at http://127.0.0.1:9");
    }

    @Test
    void aBufferingProxyInFrontOfExecdExitsSix() throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        Requirements.require(TestCerts.opensslPresent(), TestCerts.MISSING);
        TestCerts certs = TestCerts.make(dir.resolve("tls"));
        String path = URI.create(execd.base()).getRawPath();
        try (NginxProxy nginx = NginxProxy.start(dir.resolve("nginx"), "http://127.0.0.1:" + server.apiUrl().getPort(),
                new NginxProxy.Options(false, true, null, null).withTls(certs.certificate(), certs.key()), NginxProxy.EXECD_STREAMING_LOCATION)) {
            CliRunner.Result r = probe("--opensandbox-url", server.apiUrl().toString(), "--api-key", KEY, "--sandbox", sandbox,
                    "--compare", nginx.url() + path, "--ca-cert", certs.certificate().toString(), "--streams", "start", "-n", "2", "--window", "800");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.PROBE_BUFFERED);
            assertThat(r.out()).contains("BUFFERED compare start").contains("RATIO");
        }
    }
}
