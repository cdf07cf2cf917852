package dev.sandtable.latency;

import java.util.ArrayList;
import java.util.List;

/** A/B: each metric of each stream through the first endpoint against the same through every other one. */
final class Comparisons {
    private Comparisons() {
    }

    static List<Comparison> of(List<StreamResult> results, List<ProbeTarget> targets) {
        List<Comparison> out = new ArrayList<>();
        if (targets.size() < 2) return out;
        String a = targets.getFirst().label();
        for (StreamResult ra : results) {
            if (!ra.endpoint().equals(a)) continue;
            for (StreamResult rb : results) {
                if (rb.endpoint().equals(a) || rb.stream() != ra.stream()) continue;
                for (Metric ma : ra.metrics()) {
                    Metric mb = rb.metric(ma.name());
                    if (mb == null || ma.count() == 0 || mb.count() == 0) continue;
                    double ratio = ma.p50Ms() <= 0 ? Double.POSITIVE_INFINITY : mb.p50Ms() / ma.p50Ms();
                    out.add(new Comparison(ra.stream(), ma.name(), a, rb.endpoint(), ma.p50Ms(), mb.p50Ms(),
                            Double.isFinite(ratio) ? ratio : 0, ra.verdict(), rb.verdict()));
                }
            }
        }
        return out;
    }
}
