package dev.sandtable.testing;

/**
 * Iteration counts and durations for the benchmarks ({@code *BenchmarkTest}, {@code @Tag("benchmark")}).
 *
 * <p>A full run ({@code ./mvnw -B verify -Pbench}) uses the counts each benchmark names. A smoke run (add
 * {@code -Dbench.smoke=true}; {@code .ci/run} does) uses a few iterations instead, so that CI checks in seconds that
 * every benchmark still runs end to end and its correctness checks hold. A smoke run still prints its numbers, marked
 * with {@link #mark(int)}: they are not meaningful.
 */
public final class Bench {
    /** The system property that selects the smoke run. */
    public static final String SMOKE = "bench.smoke";

    private Bench() {}

    /** True in a smoke run ({@code -Dbench.smoke=true}). */
    public static boolean smoke() {
        return Boolean.getBoolean(SMOKE);
    }

    /** {@code full}, or in a smoke run max(3, full / 20), never more than {@code full}. */
    public static int count(int full) {
        return count(full, Math.max(3, full / 20));
    }

    /** {@code full}, or in a smoke run {@code smoke} (never more than {@code full}). */
    public static int count(int full, int smoke) {
        return smoke() ? Math.min(full, smoke) : full;
    }

    /** {@code full} seconds, or in a smoke run max(1, full / 10), never more than {@code full}. */
    public static int seconds(int full) {
        return smoke() ? Math.min(full, Math.max(1, full / 10)) : full;
    }

    /** Appended to a benchmark's heading: in a smoke run " (smoke run: N iterations, numbers not meaningful)", else "". */
    public static String mark(int iterations) {
        return smoke() ? " (smoke run: " + iterations + (iterations == 1 ? " iteration" : " iterations") + ", numbers not meaningful)" : "";
    }
}
