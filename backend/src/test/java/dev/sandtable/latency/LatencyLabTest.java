package dev.sandtable.latency;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Every probe against the local server directly: all PROMPT, percentiles filled in, every frame seen live. */
class LatencyLabTest {
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

    static ProbeSettings quick() {
        return ProbeSettings.defaults().withIterations(5).withSpreadWindow(Duration.ofMillis(800)).withKeepalives(2);
    }

    @Test
    void everyStreamIsPromptDirectly() throws Exception {
        List<Frame> live = new CopyOnWriteArrayList<>();
        List<StreamResult> finished = new CopyOnWriteArrayList<>();
        ProbeListener l = new ProbeListener() {
            @Override
            public void frameArrived(String endpoint, StreamKind stream, int iteration, Frame frame) {
                live.add(frame);
            }

            @Override
            public void streamFinished(StreamResult result) {
                finished.add(result);
            }
        };
        ProbeReport r = LatencyLab.start(List.of(lab.direct()), null, null, quick(), l).await(120);
        System.out.println(ProbeReports.toCsv(r));
        assertThat(r.failure()).isNull();
        assertThat(r.results()).extracting(StreamResult::stream).containsExactly(StreamKind.supported(Protocol.ENVD).toArray(StreamKind[]::new));
        for (StreamResult s : r.results()) assertThat(s.verdict()).as(s.stream() + ": " + s.reason()).isEqualTo(Verdict.PROMPT);
        assertThat(r.results().getFirst().metric("event").count()).isEqualTo(5);
        assertThat(r.results().getFirst().metric("start").count()).isEqualTo(6);
        assertThat(finished).hasSize(StreamKind.supported(Protocol.ENVD).size());
        long frames = r.results().stream().flatMap(s -> s.trials().stream()).mapToLong(t -> t.frames().size()).sum();
        assertThat(live).hasSize((int) frames);
        // the temporary sandbox is gone
        assertThat(lab.runtime.inventory().sandboxes()).isEmpty();
    }
}
