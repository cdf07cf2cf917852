package dev.sandtable.app.devices;

import dev.sandtable.helper.BenchResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The latency distribution of a benchmark as log-spaced bins, rebuilt from the percentiles the helper reports: half
 * of the IOs lie between min and p50, 40 % between p50 and p90, 9 % up to p99, 0.9 % up to p99.9 and the last 0.1 %
 * up to max; within each band the IOs are spread evenly on the log scale. Exact at every percentile, estimated
 * between them (the helper keeps its full histogram to itself).
 */
public final class LatencyHistogram {
    /** One bar: IOs that took from {@code from} to {@code to}, as a fraction of all IOs. */
    public record Bin(Duration from, Duration to, double fraction) {
        public String label() {
            return "≤ " + LatencyHistogram.format(to);
        }
    }

    private LatencyHistogram() {
    }

    public static List<Bin> of(BenchResult r, int bins) {
        if (r.operations() == 0 || bins < 1) return List.of();
        double[] at = {ns(r.latencyMin()), ns(r.latencyP50()), ns(r.latencyP90()), ns(r.latencyP99()), ns(r.latencyP999()), ns(r.latencyMax())};
        for (int i = 1; i < at.length; i++) at[i] = Math.max(at[i], at[i - 1]); // percentiles never decrease
        double[] mass = {0.5, 0.4, 0.09, 0.009, 0.001};
        double lo = Math.log(at[0]), hi = Math.log(at[5]);
        if (hi - lo < 1e-9) return List.of(new Bin(r.latencyMin(), r.latencyMax(), 1.0));
        double step = (hi - lo) / bins;
        double[] out = new double[bins];
        for (int band = 0; band < mass.length; band++) {
            double a = Math.log(at[band]), b = Math.log(at[band + 1]);
            if (b - a < 1e-12) {
                out[index(a, lo, step, bins)] += mass[band];
                continue;
            }
            for (int i = 0; i < bins; i++) {
                double x0 = lo + i * step, x1 = x0 + step;
                double overlap = Math.min(b, x1) - Math.max(a, x0);
                if (overlap > 0) out[i] += mass[band] * overlap / (b - a);
            }
        }
        List<Bin> list = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++)
            list.add(new Bin(Duration.ofNanos(Math.round(Math.exp(lo + i * step))), Duration.ofNanos(Math.round(Math.exp(lo + (i + 1) * step))), out[i]));
        return list;
    }

    private static int index(double x, double lo, double step, int bins) {
        return Math.clamp((long) Math.floor((x - lo) / step), 0, bins - 1);
    }

    private static double ns(Duration d) {
        return Math.max(1, d.toNanos());
    }

    /** "850 ns", "12.5 µs", "3.2 ms". */
    public static String format(Duration d) {
        long ns = d.toNanos();
        if (ns < 1_000) return ns + " ns";
        if (ns < 1_000_000) return String.format(Locale.ROOT, ns < 100_000 ? "%.1f µs" : "%.0f µs", ns / 1e3);
        if (ns < 1_000_000_000) return String.format(Locale.ROOT, ns < 100_000_000 ? "%.1f ms" : "%.0f ms", ns / 1e6);
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }
}
