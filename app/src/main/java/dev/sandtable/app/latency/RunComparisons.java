package dev.sandtable.app.latency;

import dev.sandtable.latency.Comparison;
import dev.sandtable.latency.Metric;
import dev.sandtable.latency.StreamResult;

import java.util.ArrayList;
import java.util.List;

/** A/B rows: the p50 of each metric of a stream through two endpoints (one run), or in two runs; ratio = B / A. */
public final class RunComparisons {
    private RunComparisons() {
    }

    /** Within a run: the first endpoint against every other one. */
    public static List<Comparison> within(List<StreamResult> results, String first, String prefix) {
        List<Comparison> out = new ArrayList<>();
        for (StreamResult a : results) {
            if (!a.endpoint().equals(first)) continue;
            for (StreamResult b : results)
                if (b.stream() == a.stream() && !b.endpoint().equals(first)) add(out, a, prefix, b, prefix);
        }
        return out;
    }

    /**
     * Across two runs: each stream through the same endpoint name in both; when each run probed one endpoint, those
     * two whatever their names (a run direct, an opened run through a proxy).
     */
    public static List<Comparison> across(List<StreamResult> a, String prefixA, List<StreamResult> b, String prefixB) {
        boolean single = a.stream().map(StreamResult::endpoint).distinct().count() == 1
                && b.stream().map(StreamResult::endpoint).distinct().count() == 1;
        List<Comparison> out = new ArrayList<>();
        for (StreamResult ra : a)
            for (StreamResult rb : b)
                if (ra.stream() == rb.stream() && (single || ra.endpoint().equals(rb.endpoint()))) add(out, ra, prefixA, rb, prefixB);
        return out;
    }

    private static void add(List<Comparison> out, StreamResult a, String prefixA, StreamResult b, String prefixB) {
        for (Metric ma : a.metrics()) {
            Metric mb = b.metric(ma.name());
            if (mb == null || ma.count() == 0 || mb.count() == 0) continue;
            double ratio = ma.p50Ms() <= 0 ? 0 : mb.p50Ms() / ma.p50Ms();
            out.add(new Comparison(a.stream(), ma.name(), prefixA + a.endpoint(), prefixB + b.endpoint(), ma.p50Ms(), mb.p50Ms(), ratio,
                    a.verdict(), b.verdict()));
        }
    }
}
