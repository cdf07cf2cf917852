package dev.sandtable.latency;

import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The execd probes against the spec-driven OpenSandbox test server (real local processes, every request and event
 * checked against execd-api.yaml): through the lifecycle server with a temporary sandbox, and against execd's URL
 * directly.
 */
class ExecdLatencyLabTest {
    static final String KEY = "probe-key";
    static OpenSandboxTestServer server;

    @BeforeAll
    static void start() {
        server = new OpenSandboxTestServer(KEY);
        server.execdGrace = Duration.ofSeconds(1); // as execd keeps a command stream open after the command
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static ProbeTarget.Execd viaServer(String label) {
        return new ProbeTarget.Execd(label, new OpenSandboxConfig(server.apiUrl(), KEY), null, null, null, Duration.ofMillis(100));
    }

    static ProbeSettings quick(StreamKind... kinds) {
        return ProbeSettings.defaults().withStreams(List.of(kinds)).withIterations(4).withSpreadWindow(Duration.ofMillis(800))
                .withKeepalives(2);
    }

    @Test
    void everyExecdStreamIsPromptThroughTheServerWithATemporarySandbox() throws Exception {
        List<Frame> live = new CopyOnWriteArrayList<>();
        ProbeListener l = new ProbeListener() {
            @Override
            public void frameArrived(String endpoint, StreamKind stream, int iteration, Frame frame) {
                live.add(frame);
            }
        };
        ProbeSettings all = ProbeSettings.defaults().withIterations(4).withSpreadWindow(Duration.ofMillis(800)).withKeepalives(2);
        ProbeReport r = LatencyLab.start(List.of(viaServer("direct")), null, "ubuntu:22.04", all, l).await(120);
        System.out.println(ProbeReports.toCsv(r));
        assertThat(r.failure()).isNull();
        // "all" is every kind execd has, in order; envd-only kinds are skipped
        assertThat(r.results()).extracting(StreamResult::stream)
                .containsExactly(StreamKind.WATCHDIR, StreamKind.PTY, StreamKind.START, StreamKind.KEEPALIVE, StreamKind.BACKGROUND);
        for (StreamResult s : r.results()) assertThat(s.verdict()).as(s.stream() + ": " + s.reason()).isEqualTo(Verdict.PROMPT);
        EndpointSummary e = r.endpoints().getFirst();
        assertThat(e.protocol()).isEqualTo(Protocol.EXECD);
        assertThat(e.temporary()).isTrue();
        assertThat(e.envdUrl()).contains("/port/" + ExecdClient.PORT);

        StreamResult watch = r.results().getFirst();
        assertThat(watch.metric("event").count()).isEqualTo(4);
        assertThat(watch.metric("list").count()).isEqualTo(4);
        assertThat(watch.trials()).allMatch(t -> !t.evidence() && t.ending() == Trial.Ending.UNARY);
        assertThat(watch.reason()).contains("polling fallback, resolution 100 ms").contains("GET /directories/list");

        StreamResult pty = r.results().get(1);
        assertThat(pty.metric("echo").count()).isEqualTo(4);
        assertThat(pty.metric("create").count()).isEqualTo(5);
        assertThat(pty.trials().getFirst().frames()).filteredOn(f -> f.kind().equals("output") && f.producedMs() != null).hasSizeGreaterThanOrEqualTo(3);
        assertThat(server.requests()).anyMatch(q -> q.startsWith("GET execd /pty/")).anyMatch(q -> q.startsWith("DELETE execd /pty/"));

        StreamResult start = r.results().get(2);
        assertThat(start.metric("start").count()).isEqualTo(5);
        Trial evidence = start.trials().getFirst();
        assertThat(evidence.evidence()).isTrue();
        assertThat(evidence.frames()).filteredOn(f -> f.kind().equals("stdout") && f.producedMs() != null).hasSize(3);
        assertThat(evidence.ending()).isEqualTo(Trial.Ending.SERVER);

        StreamResult keepalive = r.results().get(3);
        assertThat(keepalive.metric("interval").count()).isGreaterThanOrEqualTo(1);
        assertThat(keepalive.metric("interval").p50Ms()).isBetween(2500.0, 4500.0);

        StreamResult bg = r.results().get(4);
        assertThat(bg.metric("complete").count()).isEqualTo(5);
        assertThat(bg.trials().getFirst().ending()).isEqualTo(Trial.Ending.SERVER);

        long frames = r.results().stream().flatMap(s -> s.trials().stream()).mapToLong(t -> t.frames().size()).sum();
        assertThat(live).hasSize((int) frames);
        assertThat(server.requests()).anyMatch(q -> q.startsWith("POST execd /files/upload"))
                .anyMatch(q -> q.startsWith("DELETE /sandboxes/"));
        assertThat(server.violations()).isEmpty();
        // the report reads back with its protocol
        assertThat(ProbeReports.fromJson(ProbeReports.toJson(r)).endpoints().getFirst().protocol()).isEqualTo(Protocol.EXECD);
    }

    @Test
    void execdsOwnUrlAndTokenAreEnoughForAnExistingSandbox() throws Exception {
        String id = server.seedSandbox("probed", "Running");
        ExecdClient c;
        try (var backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY))) {
            c = backend.execd(id).get(30, TimeUnit.SECONDS);
        }
        ProbeTarget.Execd direct = new ProbeTarget.Execd("execd", null, URI.create(c.base()), c.headers(), null, Duration.ofMillis(100));
        ProbeReport r = LatencyLab.start(List.of(direct), null, null, quick(StreamKind.START, StreamKind.WATCHDIR), null).await(60);
        assertThat(r.failure()).isNull();
        assertThat(r.results()).allSatisfy(s -> assertThat(s.verdict()).as(s.reason()).isEqualTo(Verdict.PROMPT));
        assertThat(r.endpoints().getFirst().temporary()).isFalse();
        assertThat(server.violations()).isEmpty();
    }

    @Test
    void mixingEnvdAndExecdTargetsIsAClearFailure() throws Exception {
        ProbeTarget envd = ProbeTarget.envd("envd", new dev.sandtable.e2b.E2bConfig(URI.create("http://127.0.0.1:9"), "e2b_x", "localhost",
                dev.sandtable.e2b.E2bConfig.Routing.SANDBOX_URL, URI.create("http://127.0.0.1:9"), null, null));
        ProbeReport r = LatencyLab.start(List.of(viaServer("execd"), envd), "sb", null, quick(StreamKind.START), null).await(30);
        assertThat(r.overall()).isEqualTo(Verdict.FAILED);
        assertThat(r.failure()).contains("every endpoint of a run must reach the same agent");
    }

    @Test
    void anUnreachableExecdFailsTheRunNamingIt() throws Exception {
        ProbeTarget.Execd dead = new ProbeTarget.Execd("dead", null, URI.create("http://127.0.0.1:9"), null, null, null);
        ProbeReport r = LatencyLab.start(List.of(dead), null, null, quick(StreamKind.START), null).await(30);
        assertThat(r.overall()).isEqualTo(Verdict.FAILED);
        assertThat(r.failure()).contains("cannot reach execd at http://127.0.0.1:9");
    }

    @Test
    void aWrongExecdTokenIsRefusedAndSaidSo() throws Exception {
        String id = server.seedSandbox("guarded", "Running");
        ExecdClient c;
        try (var backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY))) {
            c = backend.execd(id).get(30, TimeUnit.SECONDS);
        }
        ProbeTarget.Execd wrong = new ProbeTarget.Execd("wrong", null, URI.create(c.base()), java.util.Map.of("X-EXECD-ACCESS-TOKEN", "nope"),
                null, null);
        server.execdRefusesWrongToken = true;
        try {
            ProbeReport r = LatencyLab.start(List.of(wrong), null, null, quick(StreamKind.START), null).await(30);
            assertThat(r.overall()).isEqualTo(Verdict.FAILED);
            assertThat(r.failure()).contains("refused the access token (HTTP 401)").contains("--execd-token");
        } finally {
            server.execdRefusesWrongToken = false;
        }
    }
}
