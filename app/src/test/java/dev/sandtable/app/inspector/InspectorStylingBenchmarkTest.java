package dev.sandtable.app.inspector;

import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * What one restyle of a full log costs on the FX thread: highlighting 256 KiB of log lines, searching them and
 * flattening the layers. Prints its numbers; run with {@code ./mvnw -B verify -Pbench -pl app -am}.
 */
@Tag("benchmark")
class InspectorStylingBenchmarkTest {
    @Test
    void restyleOfAFullLog() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < InspectorViewModel.LOG_BYTES; i++)
            sb.append("2026-11-23T13:00:00Z ").append(i % 7 == 0 ? "ERROR" : i % 5 == 0 ? "WARN " : "INFO ")
                    .append(" request ").append(i).append(" served in 12 ms\n");
        String log = sb.toString();
        long best = Long.MAX_VALUE;
        int runs = 0;
        int rounds = Bench.count(30);
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            List<StyledRange> all = new ArrayList<>(Highlighting.logLines(log));
            all.addAll(TextSearch.find(log, "request"));
            runs = StyleLayers.flatten(log.length(), all).size();
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("inspector restyle of %d KiB log (%d lines, %d runs): best %.2f ms%s%n", log.length() / 1024,
                log.lines().count(), runs, best / 1e6, Bench.mark(rounds));
    }
}
