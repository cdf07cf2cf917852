package dev.sandtable.latency;

import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of trouble ends the run with a verdict or a message, never a hang, and keeps what was measured:
 * unreachable endpoint, wrong key, a sandbox that dies mid-run, a proxy that cuts streams, a stream that never starts.
 */
@Timeout(120)
class LatencyBadInputTest {
    @TempDir
    static Path dir;
    static LocalLab lab;

    @BeforeAll
    static void start() {
        lab = new LocalLab(dir);
    }

    @AfterAll
    static void stop() {
        if (lab != null) lab.close();
    }

    static ProbeSettings quick(StreamKind... kinds) {
        return ProbeSettings.defaults().withStreams(List.of(kinds)).withIterations(4).withSpreadWindow(Duration.ofMillis(800))
                .withCallTimeout(Duration.ofSeconds(2));
    }

    @Test
    void anUnreachableEndpointFailsTheRunAtOnce() throws Exception {
        E2bConfig dead = new E2bConfig(URI.create("http://127.0.0.1:9"), "e2b_x", null, E2bConfig.Routing.SANDBOX_URL,
                URI.create("http://127.0.0.1:9"), null, null);
        ProbeReport r = LatencyLab.start(List.of(ProbeTarget.envd("dead", dead)), null, null, quick(StreamKind.START), null).await(60);
        assertThat(r.overall()).isEqualTo(Verdict.FAILED);
        assertThat(r.failure()).contains("cannot reach the E2B API at http://127.0.0.1:9");
        assertThat(r.results()).isEmpty();
    }

    @Test
    void aWrongKeyFailsTheRunSayingSo() throws Exception {
        ProbeTarget wrong = ProbeTarget.envd("wrong", lab.config(lab.url()).withApiKey("e2b_0000"));
        ProbeReport r = LatencyLab.start(List.of(wrong), null, null, quick(StreamKind.START), null).await(60);
        assertThat(r.overall()).isEqualTo(Verdict.FAILED);
        assertThat(r.failure()).contains("refused the API key");
    }

    @Test
    void aSandboxThatDiesMidRunEndsItsStreamsAsFailedAndKeepsTheTrialsBefore() throws Exception {
        E2bBackend api = new E2bBackend(lab.config(lab.url()));
        try {
            Sandbox sb = api.create(new CreateSandboxRequest("doomed", null, null, null)).join();
            AtomicBoolean killed = new AtomicBoolean();
            ProbeListener killer = new ProbeListener() {
                @Override
                public void trialFinished(String endpoint, StreamKind stream, Trial trial) {
                    if (stream == StreamKind.START && trial.iteration() == 1 && killed.compareAndSet(false, true))
                        api.destroy(sb.id()).join();
                }
            };
            ProbeReport r = LatencyLab.start(List.of(lab.direct()), sb.id(), null, quick(StreamKind.START, StreamKind.WATCHDIR), killer).await(90);
            assertThat(killed).isTrue();
            StreamResult start = r.results().getFirst();
            assertThat(start.verdict()).isEqualTo(Verdict.FAILED);
            assertThat(start.reason()).contains("failed");
            assertThat(start.metric("start").count()).isGreaterThanOrEqualTo(2); // the evidence trial and iteration 0 and 1
            assertThat(start.trials().stream().filter(t -> !t.failed()).count()).isGreaterThanOrEqualTo(2);
            assertThat(r.results().get(1).verdict()).isEqualTo(Verdict.FAILED);
        } finally {
            api.close();
        }
    }

    @Test
    void aProxyThatCutsStreamsEarlyIsFailedWithTheCut() throws Exception {
        try (MisbehavingProxy cut = new MisbehavingProxy(lab.url(), MisbehavingProxy.Mode.CUT_STREAMS, 300)) {
            ProbeReport r = LatencyLab.start(List.of(ProbeTarget.envd("cutting", lab.config(cut.url()))), null, null,
                    quick(StreamKind.WATCHDIR), null).await(60);
            StreamResult w = r.results().getFirst();
            assertThat(w.verdict()).as(w.reason()).isEqualTo(Verdict.FAILED);
            assertThat(w.reason()).contains("evidence trial").containsAnyOf("cut", "dropped");
            assertThat(w.trials().getFirst().frames()).isNotEmpty(); // the start frame came before the cut
        }
    }

    @Test
    void aStreamThatNeverStartsIsFailedAtItsDeadline() throws Exception {
        try (MisbehavingProxy hold = new MisbehavingProxy(lab.url(), MisbehavingProxy.Mode.HOLD_STREAMS, 0)) {
            long t0 = System.nanoTime();
            ProbeReport r = LatencyLab.start(List.of(ProbeTarget.envd("holding", lab.config(hold.url()))), null, null,
                    quick(StreamKind.START), null).await(60);
            assertThat(r.failure()).isNull();
            StreamResult s = r.results().getFirst();
            assertThat(s.verdict()).as(s.reason()).isEqualTo(Verdict.FAILED);
            assertThat(s.reason()).contains("the stream never started");
            assertThat(s.trials().getFirst().headersMs()).isNull();
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
        }
    }
}
