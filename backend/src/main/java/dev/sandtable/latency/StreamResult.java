package dev.sandtable.latency;

import java.util.List;

/**
 * One stream probed through one endpoint: the verdict, why, the percentiles and the evidence (every trial's frames).
 */
public record StreamResult(String endpoint, StreamKind stream, Verdict verdict, String reason, List<Metric> metrics, List<Trial> trials) {
    public StreamResult {
        metrics = List.copyOf(metrics);
        trials = List.copyOf(trials);
    }

    public Metric metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }
}
