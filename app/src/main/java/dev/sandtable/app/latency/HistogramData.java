package dev.sandtable.app.latency;

import dev.sandtable.latency.Metric;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A latency distribution per endpoint on shared bins, with each endpoint's percentiles from the report.
 *
 * @param bins   bin labels in milliseconds ("1.2–1.4"), lowest first
 * @param series one per endpoint column, its counts aligned with {@code bins}
 */
public record HistogramData(MetricKey key, List<String> bins, List<Series> series) {
    public static final int BINS = 12;

    /** @param metric the report's percentiles for this column (null while the stream still runs) */
    public record Series(String column, long[] counts, int n, Metric metric) {
    }

    public static HistogramData empty(MetricKey key) {
        return new HistogramData(key, List.of(), List.of());
    }

    /** Bins every column's values on one linear scale from the smallest to the largest value. */
    public static HistogramData of(MetricKey key, Map<String, List<Double>> values, Map<String, Metric> metrics) {
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (List<Double> vs : values.values())
            for (double v : vs) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        if (min > max) return empty(key);
        int n = max > min ? BINS : 1;
        double width = max > min ? (max - min) / n : 1;
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add(n == 1 ? ms(min) : ms(min + i * width) + "–" + ms(min + (i + 1) * width));
        List<Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : new LinkedHashMap<>(values).entrySet()) {
            long[] counts = new long[n];
            for (double v : e.getValue()) counts[Math.min(n - 1, (int) ((v - min) / width))]++;
            series.add(new Series(e.getKey(), counts, e.getValue().size(), metrics.get(e.getKey())));
        }
        return new HistogramData(key, labels, series);
    }

    static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
