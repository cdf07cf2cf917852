package dev.sandtable.latency;

import org.HdrHistogram.Histogram;

/**
 * A summary of one measurement over the iterations, in milliseconds.
 *
 * @param name        e.g. {@code start}, {@code event}, {@code echo}
 * @param description what is timed, from what to what
 */
public record Metric(String name, String description, long count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
    /** Histograms record microseconds. */
    static Metric of(String name, String description, Histogram h) {
        if (h.getTotalCount() == 0) return new Metric(name, description, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        return new Metric(name, description, h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
