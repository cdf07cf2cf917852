package dev.sandtable.app.latency;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.latency.Comparison;
import dev.sandtable.latency.EndpointSummary;
import dev.sandtable.latency.Frame;
import dev.sandtable.latency.Metric;
import dev.sandtable.latency.ProbeListener;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;
import dev.sandtable.latency.ProbeRun;
import dev.sandtable.latency.ProbeSettings;
import dev.sandtable.latency.ProbeTarget;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;
import dev.sandtable.latency.Trial;
import dev.sandtable.latency.Verdict;
import dev.sandtable.spi.SandtableException;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lab's view model without a screen: a fake run feeds listener calls; drains, verdicts, A/B, history and files. */
class LatencyViewModelTest {
    static final E2bConfig OWN = new E2bConfig(URI.create("http://127.0.0.1:4000"), "e2b_key", "localhost", E2bConfig.Routing.SANDBOX_URL,
            URI.create("http://127.0.0.1:4000"), null, null);

    @TempDir
    Path dir;
    RunHistory store;
    LatencyViewModel vm;
    final List<List<ProbeTarget>> started = new ArrayList<>();
    final List<ProbeSettings> settings = new ArrayList<>();
    ProbeListener listener;
    ProbeRun run;

    @BeforeEach
    void setUp() {
        store = RunHistory.in(dir.resolve("runs"));
        vm = new LatencyViewModel(Runnable::run, Runnable::run, store, (targets, sandbox, template, s, l) -> {
            started.add(targets);
            settings.add(s);
            listener = l;
            run = new ProbeRun();
            return run;
        });
        vm.setChoices(List.of(new SandboxChoice("local/", "Local", null, null, ProbeTarget.envd("direct", OWN), null),
                new SandboxChoice("local/sb1", "Local", "sb1", "web-1", ProbeTarget.envd("direct", OWN), null),
                new SandboxChoice("synthetic/x", "Synthetic", "x", "x", null, "Synthetic has no E2B endpoint to probe")));
    }

    static Frame frame(double produced, double arrived) {
        return new Frame("filesystem", produced, arrived, "f");
    }

    static Trial trial(boolean evidence, int it, List<Frame> frames, Map<String, Double> m) {
        return new Trial(evidence ? -1 : it, evidence, 0, 2.0, frames, 1000.0, Trial.Ending.SERVER, null, m);
    }

    static StreamResult result(String ep, StreamKind k, Verdict v, double p50, List<Trial> trials) {
        return new StreamResult(ep, k, v, v + " because", List.of(new Metric("start", "request to start", Math.max(1, trials.size()), p50, p50 * 2, p50 * 3, p50 * 4)), trials);
    }

    static ProbeReport report(List<StreamResult> results, String... endpoints) {
        List<EndpointSummary> eps = new ArrayList<>();
        for (String e : endpoints) eps.add(new EndpointSummary(e, "http://api", "http://envd/" + e, "sb1", false));
        return new ProbeReport("sandtable test", Instant.parse("2026-11-23T15:00:00Z"), 1234, ProbeSettings.defaults().withStreams(List.of(StreamKind.WATCHDIR)),
                eps, results, List.of(), null);
    }

    @Test
    void theChosenSandboxPrefersARunningOneAndAChoiceWithoutEndpointCannotRun() {
        assertThat(vm.choiceProperty().get().key()).isEqualTo("local/sb1");
        vm.choose("synthetic/x");
        assertThat(vm.run()).isFalse();
        assertThat(vm.statusTextProperty().get()).contains("no E2B endpoint");
        assertThat(started).isEmpty();
        vm.choose("local/sb1");
        vm.streams().clear();
        assertThat(vm.run()).isFalse();
        assertThat(vm.statusTextProperty().get()).isEqualTo("Choose at least one stream to probe");
    }

    @Test
    void listenerCallsWaitInTheInboxAndOneDrainAppliesThemAsOneChange() {
        vm.streams().setAll(StreamKind.WATCHDIR);
        vm.iterationsProperty().set(3);
        assertThat(vm.run()).isTrue();
        assertThat(started.getFirst()).extracting(ProbeTarget::label).containsExactly("direct");
        assertThat(settings.getFirst().iterations()).isEqualTo(3);
        assertThat(vm.statusProperty().get()).isEqualTo(LatencyViewModel.Status.RUNNING);
        int[] laneChanges = {0};
        vm.lanes().addListener((ListChangeListener<Lane>) c -> laneChanges[0]++);

        listener.endpointReady(new EndpointSummary("direct", "http://api", "http://envd", "sb1", false));
        listener.trialStarted("direct", StreamKind.WATCHDIR, 0, true);
        for (int i = 0; i < 50; i++) listener.frameArrived("direct", StreamKind.WATCHDIR, 0, frame(i * 10, i * 10 + 1));
        assertThat(vm.lanes()).as("nothing applied before the pulse").isEmpty();
        assertThat(laneChanges[0]).isZero();

        assertThat(vm.drain()).isEqualTo(52);
        assertThat(laneChanges[0]).isEqualTo(1);
        assertThat(vm.lanes()).singleElement().satisfies(l -> {
            assertThat(l.frames()).hasSize(50);
            assertThat(l.evidence()).isTrue();
            assertThat(l.verdict()).as("still running").isNull();
        });
        assertThat(vm.statusTextProperty().get()).contains("watchdir").contains("evidence trial");
        assertThat(vm.verdicts()).singleElement().satisfies(r -> assertThat(r.result("direct")).isNull());

        // the evidence trial stays on show while the iterations run; their measurements feed the histogram
        Trial evidence = trial(true, 0, List.of(frame(0, 1), frame(400, 401)), Map.of("start", 2.0));
        listener.trialFinished("direct", StreamKind.WATCHDIR, evidence);
        for (int i = 0; i < 3; i++) {
            listener.trialStarted("direct", StreamKind.WATCHDIR, i, false);
            listener.frameArrived("direct", StreamKind.WATCHDIR, i, frame(1, 2));
            listener.trialFinished("direct", StreamKind.WATCHDIR, trial(false, i, List.of(frame(1, 2)), Map.of("start", 1.0 + i)));
        }
        vm.drain();
        assertThat(vm.lanes().getFirst().frames()).hasSize(2);
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        assertThat(vm.metricKeys()).containsExactly(new MetricKey(StreamKind.WATCHDIR, "start"));
        assertThat(vm.histogramProperty().get().series()).singleElement().satisfies(s -> assertThat(s.n()).isEqualTo(4));
        assertThat(vm.drain()).as("an empty inbox changes nothing").isZero();
    }

    @Test
    void verdictsArriveAsBadgesAndTheFinishedRunJoinsTheSavedHistory() throws Exception {
        vm.streams().setAll(StreamKind.WATCHDIR, StreamKind.PTY);
        vm.run();
        StreamResult w = result("direct", StreamKind.WATCHDIR, Verdict.BUFFERED, 1.5, List.of(trial(true, 0, List.of(frame(0, 900), frame(600, 901)), Map.of())));
        listener.streamFinished(w);
        vm.drain();
        assertThat(vm.verdicts()).extracting(VerdictRow::stream).containsExactly(StreamKind.WATCHDIR, StreamKind.PTY);
        assertThat(vm.verdicts().getFirst().result("direct").verdict()).isEqualTo(Verdict.BUFFERED);
        assertThat(vm.verdicts().get(1).result("direct")).isNull();

        ProbeReport r = report(List.of(w), "direct");
        listener.runFinished(r);
        vm.drain();
        assertThat(vm.statusProperty().get()).isEqualTo(LatencyViewModel.Status.DONE);
        assertThat(vm.statusTextProperty().get()).startsWith("Overall BUFFERED");
        assertThat(vm.history()).singleElement().satisfies(e -> {
            assertThat(e.origin()).isEqualTo(RunEntry.Origin.THIS_SESSION);
            assertThat(e.sandbox()).isEqualTo("web-1 · Local");
            assertThat(e.file()).exists();
        });
        assertThat(vm.shownProperty().get()).isSameAs(vm.history().getFirst());
        assertThat(vm.lanes()).singleElement().satisfies(l -> {
            assertThat(l.verdict()).isEqualTo(Verdict.BUFFERED);
            assertThat(l.evidenceText()).startsWith("direct · watchdir · BUFFERED\nBUFFERED because\nheaders 2.0 ms · end 1000.0 ms")
                    .contains("filesystem        600.0      901.0     301.0  f");
        });

        // a later session finds it
        LatencyViewModel next = new LatencyViewModel(Runnable::run, Runnable::run, store);
        next.loadHistory().join();
        assertThat(next.history()).singleElement().satisfies(e -> {
            assertThat(e.origin()).isEqualTo(RunEntry.Origin.SAVED);
            assertThat(e.report()).isEqualTo(r);
        });
        assertThat(next.shownProperty().get()).isSameAs(next.history().getFirst());
    }

    @Test
    void callsOfAnEarlierRunAreDroppedAndCancelReachesTheRun() {
        vm.streams().setAll(StreamKind.WATCHDIR);
        vm.run();
        ProbeListener first = listener;
        vm.cancel();
        assertThat(run.cancelled()).isTrue();
        first.runFinished(report(List.of(), "direct"));
        vm.drain();
        assertThat(vm.running()).isFalse();
        vm.run();
        first.trialStarted("direct", StreamKind.WATCHDIR, 0, true); // late call of the first run
        assertThat(vm.drain()).isZero();
        assertThat(vm.lanes()).isEmpty();
    }

    @Test
    void anAddedEndpointIsProbedAfterTheOwnOneAndTheAbRowsCarryTheRatio() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        assertThat(vm.suggestLabel()).isEqualTo("proxy");
        vm.addEndpoint(new EndpointSpec("proxy", "https://proxy.example.com", "", "", ca.toString()));
        assertThatThrownBy(() -> vm.addEndpoint(new EndpointSpec("direct", "https://p2", "", "", "")))
                .isInstanceOf(SandtableException.class).hasMessageContaining("already in the run");
        assertThat(vm.endpointProblem(new EndpointSpec("p3", "", "", "", ""))).contains("sandbox URL");
        assertThat(vm.endpointProblem(new EndpointSpec("p3", "https://x", "", "", dir.resolve("none.pem").toString()))).contains("cannot be read");
        vm.streams().setAll(StreamKind.WATCHDIR);
        vm.run();
        List<ProbeTarget> t = started.getFirst();
        assertThat(t).extracting(ProbeTarget::label).containsExactly("direct", "proxy");
        assertThat(((ProbeTarget.Envd) t.get(1)).config().routingBase()).isEqualTo(URI.create("https://proxy.example.com"));
        assertThat(((ProbeTarget.Envd) t.get(1)).config().apiKey()).isEqualTo("e2b_key");
        assertThat(((ProbeTarget.Envd) t.get(1)).config().caCert()).isEqualTo(ca);

        listener.streamFinished(result("direct", StreamKind.WATCHDIR, Verdict.PROMPT, 2, List.of()));
        listener.streamFinished(result("proxy", StreamKind.WATCHDIR, Verdict.BUFFERED, 1500, List.of()));
        vm.drain();
        assertThat(vm.columns()).containsExactly("direct", "proxy");
        assertThat(vm.comparisons()).singleElement().satisfies(c -> {
            assertThat(c.a()).isEqualTo("direct");
            assertThat(c.b()).isEqualTo("proxy");
            assertThat(c.ratio()).isEqualTo(750.0);
            assertThat(c.verdictB()).isEqualTo(Verdict.BUFFERED);
        });
        assertThat(vm.comparisonTitleProperty().get()).contains("proxy against direct");
    }

    @Test
    void anExportedRunOpensBackAndIsComparedWithTheRunOnShow() throws Exception {
        ProbeReport direct = report(List.of(result("direct", StreamKind.WATCHDIR, Verdict.PROMPT, 2, List.of(trial(true, 0, List.of(frame(0, 1)), Map.of("start", 2.0))))), "direct");
        ProbeReport viaProxy = report(List.of(result("endpoint", StreamKind.WATCHDIR, Verdict.DELAYED, 600, List.of(trial(true, 0, List.of(frame(0, 600)), Map.of("start", 600.0))))), "endpoint");
        vm.history().add(new RunEntry(direct, "web-1", null, RunEntry.Origin.THIS_SESSION));
        vm.shownProperty().set(vm.history().getFirst());
        assertThat(vm.exportable()).isSameAs(direct);

        Path json = dir.resolve("direct.json"), csv = dir.resolve("direct.csv");
        assertThat(vm.exportJson(json).join()).isEqualTo(json);
        assertThat(vm.noticeProperty().get()).isEqualTo("Saved JSON to " + json);
        assertThat(ProbeReports.readJson(json)).isEqualTo(direct);
        vm.exportCsv(csv).join();
        assertThat(Files.readAllLines(csv)).first().isEqualTo(ProbeReports.CSV_HEADER);
        assertThat(Files.readAllLines(csv)).hasSize(2).last().asString().startsWith("direct,watchdir,PROMPT,start,1,2.000");

        Path other = dir.resolve("proxy.json");
        ProbeReports.writeJson(viaProxy, other);
        RunEntry opened = vm.open(other).join();
        assertThat(opened.origin()).isEqualTo(RunEntry.Origin.OPENED);
        assertThat(vm.history().getFirst()).isSameAs(opened);
        assertThat(vm.compareWithProperty().get()).isSameAs(opened);
        assertThat(vm.columns()).containsExactly("A · direct", "B · endpoint");
        assertThat(vm.lanes()).extracting(Lane::column).containsExactly("A · direct", "B · endpoint");
        assertThat(vm.comparisons()).singleElement().extracting(Comparison::ratio).isEqualTo(300.0);
        assertThat(vm.histogramProperty().get().series()).extracting(HistogramData.Series::column).containsExactly("A · direct", "B · endpoint");

        Path junk = Files.writeString(dir.resolve("junk.json"), "{\"not\": \"a report\"");
        assertThat(vm.open(junk)).failsWithin(java.time.Duration.ofSeconds(5));
        assertThat(vm.noticeProperty().get()).startsWith("Could not open junk.json").contains("not a latency report");
        assertThat(vm.history()).hasSize(2);
    }

    @Test
    void nothingIsExportedWhileARunIsLive() {
        vm.streams().setAll(StreamKind.WATCHDIR);
        vm.run();
        assertThat(vm.exportable()).isNull();
        assertThat(vm.exportJson(dir.resolve("x.json"))).isCompletedExceptionally();
        assertThat(vm.noticeProperty().get()).startsWith("Nothing to export yet");
        assertThat(dir.resolve("x.json")).doesNotExist();
    }

    @Test
    void histogramBinsShareOneScaleAcrossEndpoints() {
        MetricKey k = new MetricKey(StreamKind.PTY, "echo");
        HistogramData h = HistogramData.of(k, new java.util.LinkedHashMap<>(Map.of("direct", List.of(1.0, 1.0, 2.0))), Map.of());
        assertThat(h.bins()).hasSize(HistogramData.BINS);
        assertThat(h.series().getFirst().counts()[0]).isEqualTo(2);
        assertThat(h.series().getFirst().counts()[HistogramData.BINS - 1]).isEqualTo(1);
        assertThat(HistogramData.of(k, Map.of("direct", List.of(5.0)), Map.of()).bins()).containsExactly("5.00");
        assertThat(HistogramData.of(k, Map.of("direct", List.of()), Map.of()).bins()).isEmpty();
    }

    @Test
    void theTimelineScaleEndsOnANiceStepPastTheLongestLane() {
        Lane held = new Lane("proxy", StreamKind.WATCHDIR, true, 1874.0, 1875.0, List.of(frame(375, 1874)), Verdict.BUFFERED, "held");
        Lane prompt = new Lane("direct", StreamKind.WATCHDIR, true, 2.0, 900.0, List.of(frame(375, 376)), Verdict.PROMPT, "ok");
        assertThat(TimelineChart.niceStep(310)).isEqualTo(500);
        assertThat(TimelineChart.niceStep(0.3)).isEqualTo(0.5);
        assertThat(TimelineChart.scaleMs(List.of(prompt, held))).isEqualTo(2000);
        assertThat(TimelineChart.scaleMs(List.of())).isEqualTo(120);
        assertThat(held.spanMs()).isEqualTo(1875.0);
    }

    @Test
    void anEndpointFillsItsBlanksFromTheSandboxsOwn() {
        E2bConfig path = OWN.withRouting(E2bConfig.Routing.PATH, URI.create("https://cube.example.com"));
        E2bConfig proxied = new EndpointSpec("p", "https://proxy", "", "", "").resolve(path);
        assertThat(proxied.routing()).isEqualTo(E2bConfig.Routing.PATH);
        assertThat(proxied.routingBase()).isEqualTo(URI.create("https://proxy"));
        E2bConfig other = new EndpointSpec("p", "", "https://api.other", "k2", "").resolve(OWN);
        assertThat(other.apiUrl()).isEqualTo(URI.create("https://api.other"));
        assertThat(other.routing()).isEqualTo(E2bConfig.Routing.HOST);
        assertThat(other.apiKey()).isEqualTo("k2");
        assertThat(new EndpointSpec("p", "ftp://x", "", "", "").problem()).contains("must look like");
    }

    @Test
    void anOpenSandboxChoiceProbesExecdWithTheStreamsExecdHasAndItsCalls() {
        var server = new dev.sandtable.opensandbox.OpenSandboxConfig(URI.create("http://opensandbox:8080/v1"), "osk");
        var backend = new dev.sandtable.opensandbox.OpenSandboxBackend(server);
        try {
            LabEndpoints.Resolved own = LabEndpoints.of(backend);
            assertThat(own.whyNot()).isNull();
            assertThat(own.target()).isInstanceOfSatisfying(ProbeTarget.Execd.class, t -> {
                assertThat(t.server()).isEqualTo(server);
                assertThat(t.execdUrl()).as("the server gives each sandbox's execd").isNull();
            });
            vm.setChoices(List.of(new SandboxChoice("os/sbx-1", "OpenSandbox", "sbx-1", "web", own.target(), null)));
        } finally {
            backend.close();
        }
        vm.addEndpoint(new EndpointSpec("proxy", "https://proxy.example.com/execd", "", "", ""));
        // every stream is checked (the default): the run keeps those execd has
        assertThat(vm.run()).isTrue();
        assertThat(settings.getFirst().streams()).containsExactly(StreamKind.WATCHDIR, StreamKind.PTY, StreamKind.START, StreamKind.KEEPALIVE,
                StreamKind.BACKGROUND);
        List<ProbeTarget> t = started.getFirst();
        assertThat(t).extracting(ProbeTarget::label).containsExactly("direct", "proxy");
        assertThat(t).allMatch(x -> x.protocol() == dev.sandtable.latency.Protocol.EXECD);
        assertThat(((ProbeTarget.Execd) t.get(1)).execdUrl()).isEqualTo(URI.create("https://proxy.example.com/execd"));
        assertThat(((ProbeTarget.Execd) t.get(1)).server().apiKey()).isEqualTo("osk");

        listener.streamFinished(result("direct", StreamKind.START, Verdict.PROMPT, 8, List.of()));
        listener.streamFinished(result("proxy", StreamKind.START, Verdict.BUFFERED, 2500, List.of()));
        vm.drain();
        assertThat(vm.verdicts()).filteredOn(r -> r.stream() == StreamKind.START).singleElement().satisfies(r -> {
            assertThat(r.call()).isEqualTo("POST /command (SSE)");
            assertThat(r.result("proxy").verdict()).isEqualTo(Verdict.BUFFERED);
        });
        assertThat(vm.verdicts()).extracting(VerdictRow::stream).doesNotContain(StreamKind.CONNECT, StreamKind.SENDINPUT);
    }

    @Test
    void anExecdChoiceWithOnlyEnvdStreamsChosenSaysWhatExecdHas() {
        vm.setChoices(List.of(new SandboxChoice("os/sbx-1", "OpenSandbox", "sbx-1", "web",
                new ProbeTarget.Execd("direct", null, URI.create("http://execd:44772"), null, null, null), null)));
        vm.streams().setAll(StreamKind.CONNECT, StreamKind.SENDINPUT);
        assertThat(vm.run()).isFalse();
        assertThat(vm.statusTextProperty().get()).contains("execd has none of the chosen streams").contains("background");
        vm.streams().setAll(StreamKind.START);
        vm.addEndpoint(new EndpointSpec("proxy", "", "https://api.example.com", "", ""));
        assertThat(vm.run()).isFalse();
        assertThat(vm.statusTextProperty().get()).contains("execd's URL through the proxy");
        assertThat(started).isEmpty();
    }
}
