package dev.sandtable.app.cli;

import dev.sandtable.e2b.server.NginxProxy;
import dev.sandtable.latency.LocalLab;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.TestCerts;
import dev.sandtable.latency.Verdict;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sandtable probe} against a real local server: reports, exit codes, bad endpoints and keys. */
@Timeout(180)
class ProbeCommandTest {
    @TempDir
    static Path dir;
    static LocalLab lab;

    @BeforeAll
    static void start() {
        CliContext.environment = Map::of;
        lab = new LocalLab(dir.resolve("service"));
    }

    @AfterAll
    static void stop() {
        CliContext.environment = System::getenv;
        if (lab != null) lab.close();
    }

    private static CliRunner.Result probe(String... args) {
        List<String> all = new ArrayList<>(List.of("probe"));
        all.addAll(List.of(args));
        return new CliRunner(dir.resolve("home")).run(all.toArray(String[]::new));
    }

    @Test
    void aPromptRunExitsZeroAndWritesJsonAndCsvReports() throws Exception {
        Path json = dir.resolve("report.json"), csv = dir.resolve("report.csv");
        CliRunner.Result r = probe("--api-url", lab.url(), "--api-key", lab.key(), "--sandbox-url", lab.url(), "--streams", "start,watchdir,sendinput",
                "-n", "3", "--window", "600", "--json", json.toString(), "--csv", csv.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("ENDPOINT").contains("watchdir").contains("PROMPT").contains("overall: PROMPT");
        ProbeReport report = ProbeReports.readJson(json);
        assertThat(report.results()).extracting(x -> x.stream()).containsExactly(StreamKind.START, StreamKind.WATCHDIR, StreamKind.SENDINPUT);
        assertThat(report.results().get(1).metric("event").count()).isEqualTo(3);
        assertThat(report.results().get(1).trials().getFirst().frames()).isNotEmpty();
        assertThat(Files.readAllLines(csv)).first().isEqualTo(ProbeReports.CSV_HEADER);
        assertThat(Files.readAllLines(csv)).anyMatch(l -> l.startsWith("endpoint,watchdir,PROMPT,event,3,"));
    }

    @Test
    void jsonWithoutAFileGoesToStdout() {
        CliRunner.Result r = probe("--api-url", lab.url(), "--api-key", lab.key(), "--sandbox-url", lab.url(), "--streams", "sendinput",
                "-n", "2", "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(ProbeReports.fromJson(r.out()).overall()).isEqualTo(Verdict.PROMPT);
    }

    @Test
    void anUnreachableEndpointFailsWithSevenAndSaysSo() {
        CliRunner.Result r = probe("--api-url", "http://127.0.0.1:9", "--api-key", "e2b_x", "--sandbox-url", "http://127.0.0.1:9", "-n", "1");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.PROBE_FAILED);
        assertThat(r.err()).contains("cannot reach the E2B API at http://127.0.0.1:9").doesNotContain("Exception");
    }

    @Test
    void aWrongKeyFailsWithSevenAndSaysSo() {
        CliRunner.Result r = probe("--api-url", lab.url(), "--api-key", "e2b_wrong", "--sandbox-url", lab.url(), "-n", "1");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.PROBE_FAILED);
        assertThat(r.err()).contains("refused the API key").contains("E2B_API_KEY");
    }

    @Test
    void aMissingKeyOrBadOptionIsAUsageError() {
        assertThat(probe("--api-url", lab.url()).code()).isEqualTo(ExitCodes.USAGE);
        assertThat(probe("--api-url", lab.url(), "--api-key", "k", "--streams", "nope").err()).contains("unknown stream 'nope'");
        assertThat(probe("--api-url", lab.url(), "--api-key", "k", "stray").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(probe("--api-url", lab.url(), "--api-key", "k", "--ca-cert", dir.resolve("none.pem").toString()).err())
                .contains("none.pem cannot be read");
    }

    @Test
    void helpListsTheProbesExitCodes() {
        CliRunner.Result r = probe("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--compare").contains("--ca-cert").contains("5   probe: a stream was DELAYED")
                .contains("6   probe: a stream was BUFFERED").contains("7   probe: the run or a stream FAILED");
    }

    @Test
    void aBufferingProxyExitsSixAndTheComparisonShowsTheRatio() throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        Requirements.require(TestCerts.opensslPresent(), TestCerts.MISSING);
        TestCerts certs = TestCerts.make(dir.resolve("tls"));
        try (NginxProxy nginx = NginxProxy.start(dir.resolve("nginx"), lab.url(),
                new NginxProxy.Options(false, true, null, null).withTls(certs.certificate(), certs.key()))) {
            CliRunner.Result r = probe("--api-url", lab.url(), "--api-key", lab.key(), "--sandbox-url", lab.url(), "--compare", nginx.url(),
                    "--ca-cert", certs.certificate().toString(), "--streams", "watchdir", "-n", "2", "--window", "800");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.PROBE_BUFFERED);
            assertThat(r.out()).contains("BUFFERED compare watchdir").contains("RATIO").contains("P50 ENDPOINT");
            // without the CA the same proxy is a clear TLS failure
            CliRunner.Result untrusted = probe("--api-url", lab.url(), "--api-key", lab.key(), "--sandbox-url", nginx.url(), "--streams", "start", "-n", "1");
            assertThat(untrusted.code()).isEqualTo(ExitCodes.PROBE_FAILED);
            assertThat(untrusted.err()).contains("certificate of 127.0.0.1").contains("--ca-cert");
        }
    }
}
