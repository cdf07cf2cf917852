package dev.sandtable.helper;

import java.time.Duration;

/** What a benchmark measured; latencies are per IO, from submission to completion. */
public record BenchResult(long operations, long bytes, Duration elapsed, int blockSize, int queueDepth, Duration latencyMin,
                          Duration latencyMean, Duration latencyP50, Duration latencyP90, Duration latencyP99,
                          Duration latencyP999, Duration latencyMax) {

    public double iops() {
        return elapsed.isZero() ? 0 : operations / seconds();
    }

    /** Megabytes (10^6 bytes) per second. */
    public double megabytesPerSecond() {
        return elapsed.isZero() ? 0 : bytes / seconds() / 1e6;
    }

    private double seconds() {
        return elapsed.toNanos() / 1e9;
    }

    static BenchResult of(Fields f) {
        return new BenchResult(f.number(Wire.T_OPS, 0), f.number(Wire.T_BYTES, 0), ns(f, Wire.T_ELAPSED_NS),
                (int) f.number(Wire.T_BLOCK_SIZE, 0), (int) f.number(Wire.T_DEPTH, 0), ns(f, Wire.T_LAT_MIN),
                ns(f, Wire.T_LAT_MEAN), ns(f, Wire.T_LAT_P50), ns(f, Wire.T_LAT_P90), ns(f, Wire.T_LAT_P99),
                ns(f, Wire.T_LAT_P999), ns(f, Wire.T_LAT_MAX));
    }

    private static Duration ns(Fields f, int tag) {
        return Duration.ofNanos(f.number(tag, 0));
    }
}
