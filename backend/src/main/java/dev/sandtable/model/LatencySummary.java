package dev.sandtable.model;

/** Percentiles of a latency histogram, in microseconds. {@code count == 0} means nothing was recorded. */
public record LatencySummary(long count, long p50Micros, long p90Micros, long p99Micros, long maxMicros) {
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);

    public static LatencySummary of(org.HdrHistogram.Histogram h) {
        if (h.getTotalCount() == 0) return EMPTY;
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }
}
