package dev.sandtable.local;

import org.HdrHistogram.Histogram;

/** A microsecond histogram that prints itself as one line. */
final class LatencyStats {
    final Histogram histogram = new Histogram(3);

    void record(long startNanos) {
        histogram.recordValue(Math.max(1, (System.nanoTime() - startNanos) / 1000));
    }

    double p50Millis() {
        return histogram.getValueAtPercentile(50) / 1000.0;
    }

    double p99Millis() {
        return histogram.getValueAtPercentile(99) / 1000.0;
    }

    String line(String what) {
        return String.format("%-48s n=%4d  p50=%8.2f ms  p90=%8.2f ms  p99=%8.2f ms  max=%8.2f ms", what,
                histogram.getTotalCount(), p50Millis(), histogram.getValueAtPercentile(90) / 1000.0, p99Millis(),
                histogram.getMaxValue() / 1000.0);
    }
}
