package dev.sandtable.latency;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict rule on hand-made timelines: a buffering proxy, a slow sandbox, a slow network, failures. */
class VerdictRuleTest {
    static final Thresholds T = Thresholds.defaults();

    static Trial evidence(Double headers, Double ended, Trial.Ending ending, Frame... frames) {
        return new Trial(-1, true, 0, headers, List.of(frames), ended, ending, null, Map.of());
    }

    static Trial iteration(int i, double headers, Map<String, Double> m) {
        return new Trial(i, false, 0, headers, List.of(new Frame("start", null, m.values().iterator().next(), "")), headers + 1,
                Trial.Ending.CANCELLED, null, m);
    }

    static Metric metric(String name, double p50) {
        return new Metric(name, name, 10, p50, p50, p50, p50);
    }

    @Test
    void framesProducedApartArrivingTogetherAreBuffered() {
        // written at 250, 500, 1000 ms; all arrive at 1250 ms, with the headers: a proxy held them
        Trial t = evidence(1249.0, 1251.0, Trial.Ending.SERVER, new Frame("start", null, 1249.5, ""),
                new Frame("filesystem", 250.0, 1250.0, "a"), new Frame("filesystem", 500.0, 1250.1, "b"), new Frame("filesystem", 1000.0, 1250.2, "c"));
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.WATCHDIR, List.of(t), List.of(metric("start", 1249.5)), T);
        assertThat(d.verdict()).isEqualTo(Verdict.BUFFERED);
        assertThat(d.reason()).contains("3 frames produced over 750 ms arrived within 0 ms").contains("headers at 1249 ms");
    }

    @Test
    void aStreamHeldUntilItsEndIsBufferedEvenWithoutKnownProductionTimes() {
        Trial t = evidence(1240.0, 1250.0, Trial.Ending.SERVER, new Frame("start", null, 1245.0, ""), new Frame("data", null, 1246.0, "x"));
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.START, List.of(t), List.of(), T);
        assertThat(d.verdict()).isEqualTo(Verdict.BUFFERED);
        assertThat(d.reason()).startsWith("held until the end");
    }

    @Test
    void aSlowSandboxProducesLateButDeliversAtOnceSoItIsDelayedNotBuffered() {
        // headers at once; the command's output was produced late (its own timestamps) but each arrived right after
        Trial t = evidence(3.0, 2600.0, Trial.Ending.SERVER, new Frame("start", null, 900.0, ""),
                new Frame("data", 1200.0, 1201.0, "p0"), new Frame("data", 1700.0, 1701.0, "p1"), new Frame("data", 2500.0, 2501.0, "p2"));
        List<Trial> trials = List.of(t, iteration(0, 3.0, Map.of("start", 880.0)), iteration(1, 2.5, Map.of("start", 910.0)));
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.START, trials, List.of(metric("start", 900)), T);
        assertThat(d.verdict()).isEqualTo(Verdict.DELAYED);
        assertThat(d.reason()).contains("start p50 900.0 ms > 500 ms").contains("the sandbox is slow");
    }

    @Test
    void lateHeadersPointAtTheNetworkOrProxy() {
        List<Trial> trials = List.of(iteration(0, 700.0, Map.of("start", 705.0)), iteration(1, 720.0, Map.of("start", 725.0)));
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.CONNECT, trials, List.of(metric("start", 715)), T);
        assertThat(d.verdict()).isEqualTo(Verdict.DELAYED);
        assertThat(d.reason()).contains("the network or a proxy is slow");
    }

    @Test
    void promptFramesArePromptWithTheirNumbers() {
        Trial t = evidence(2.0, 1250.0, Trial.Ending.SERVER, new Frame("start", null, 3.0, ""),
                new Frame("filesystem", 250.0, 251.0, "a"), new Frame("filesystem", 500.0, 501.0, "b"), new Frame("filesystem", 1000.0, 1001.0, "c"));
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.WATCHDIR, List.of(t), List.of(metric("start", 3), metric("event", 1)), T);
        assertThat(d.verdict()).isEqualTo(Verdict.PROMPT);
        assertThat(d.reason()).contains("start p50 3.00 ms").contains("3 frames produced apart arrived one by one");
    }

    @Test
    void keepalivesArrivingTogetherAreBufferedAndMissingOnesDelayed() {
        Trial held = evidence(3400.0, 3500.0, Trial.Ending.SERVER, new Frame("start", null, 3400.0, ""), new Frame("keepalive", null, 3401.0, ""),
                new Frame("keepalive", null, 3401.5, ""), new Frame("keepalive", null, 3402.0, ""));
        assertThat(VerdictRule.decide(StreamKind.KEEPALIVE, List.of(held), List.of(), T).verdict()).isEqualTo(Verdict.BUFFERED);
        Trial silent = evidence(3.0, 3500.0, Trial.Ending.SERVER, new Frame("start", null, 4.0, ""));
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.KEEPALIVE, List.of(silent), List.of(new Metric("interval", "", 0, 0, 0, 0, 0)), T);
        assertThat(d.verdict()).isEqualTo(Verdict.DELAYED);
        assertThat(d.reason()).contains("no two keepalive frames");
    }

    @Test
    void aFailedCallIsFailedWithItsErrorAndACountedTrialStaysInTheEvidence() {
        Trial ok = iteration(0, 2.0, Map.of("start", 3.0));
        Trial bad = new Trial(1, false, 0, null, List.of(), 50.0, Trial.Ending.ERROR, "envd of sandbox x failed (HTTP 502)", Map.of());
        VerdictRule.Decision d = VerdictRule.decide(StreamKind.START, List.of(ok, bad), List.of(metric("start", 3)), T);
        assertThat(d.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(d.reason()).isEqualTo("1 of 2 calls failed; iteration 1: envd of sandbox x failed (HTTP 502)");
    }

    @Test
    void aReportSurvivesJsonAndCsv() {
        Trial t = evidence(2.0, 1250.0, Trial.Ending.SERVER, new Frame("start", null, 3.0, ""), new Frame("filesystem", 250.0, 251.0, "a,\"b\""));
        StreamResult r = new StreamResult("direct", StreamKind.WATCHDIR, Verdict.PROMPT, "fine, really", List.of(metric("start", 3)), List.of(t));
        ProbeReport report = new ProbeReport("sandtable test", Instant.parse("2026-11-23T15:00:00Z"), 1234.5, ProbeSettings.defaults(),
                List.of(new EndpointSummary("direct", "http://a", "http://b", "sb1", true)), List.of(r),
                List.of(new Comparison(StreamKind.WATCHDIR, "start", "direct", "proxy", 3, 6, 2, Verdict.PROMPT, Verdict.BUFFERED)), null);
        assertThat(ProbeReports.fromJson(ProbeReports.toJson(report))).isEqualTo(report);
        assertThat(ProbeReports.toCsv(report)).isEqualTo(ProbeReports.CSV_HEADER + "\n"
                + "direct,watchdir,PROMPT,start,10,3.000,3.000,3.000,3.000,\"fine, really\"\n");
    }
}
