package dev.sandtable.latency;

import java.time.Instant;
import java.util.List;

/**
 * A whole run: what was probed, the result per endpoint and stream, the A/B comparisons, and why the run stopped
 * early if it did (results up to then are kept).
 *
 * @param failure null when the run went through; else why it stopped (unreachable, refused key, cancelled)
 */
public record ProbeReport(String tool, Instant startedAt, double elapsedMs, ProbeSettings settings, List<EndpointSummary> endpoints,
                          List<StreamResult> results, List<Comparison> comparisons, String failure) {
    public ProbeReport {
        endpoints = List.copyOf(endpoints);
        results = List.copyOf(results);
        comparisons = List.copyOf(comparisons);
    }

    /** The worst verdict; FAILED when the run failed. */
    public Verdict overall() {
        Verdict v = failure == null ? Verdict.PROMPT : Verdict.FAILED;
        for (StreamResult r : results) v = v.worse(r.verdict());
        return v;
    }
}
