package dev.sandtable.app.devices;

import dev.sandtable.helper.BenchResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {
    private static BenchResult result(long min, long p50, long p90, long p99, long p999, long max) {
        return new BenchResult(1000, 4096000, Duration.ofSeconds(1), 4096, 1, ns(min), ns(p50), ns(p50), ns(p90), ns(p99), ns(p999), ns(max));
    }

    private static Duration ns(long n) {
        return Duration.ofNanos(n);
    }

    @Test
    void decadeBinsHoldEachBandsShare() {
        // min 1 µs, p50 10 µs, p90 100 µs, p99 1 ms, p99.9 10 ms, max 100 ms: five decades, one per bin
        List<LatencyHistogram.Bin> bins = LatencyHistogram.of(result(1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000), 5);
        assertThat(bins).extracting(LatencyHistogram.Bin::fraction).satisfiesExactly(
                f -> assertThat(f).isCloseTo(0.5, within(1e-9)), f -> assertThat(f).isCloseTo(0.4, within(1e-9)),
                f -> assertThat(f).isCloseTo(0.09, within(1e-9)), f -> assertThat(f).isCloseTo(0.009, within(1e-9)),
                f -> assertThat(f).isCloseTo(0.001, within(1e-9)));
        assertThat(bins.getFirst().from()).isEqualTo(ns(1_000));
        assertThat(bins.getLast().to()).isEqualTo(ns(100_000_000));
        assertThat(bins.get(0).label()).isEqualTo("≤ 10.0 µs");
        assertThat(bins.get(1).label()).isEqualTo("≤ 100 µs");
    }

    @Test
    void finerBinsSplitABandEvenlyOnTheLogScaleAndSumToOne() {
        List<LatencyHistogram.Bin> bins = LatencyHistogram.of(result(1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000), 10);
        assertThat(bins.get(0).fraction()).isCloseTo(0.25, within(1e-9));
        assertThat(bins.get(1).fraction()).isCloseTo(0.25, within(1e-9));
        assertThat(bins.get(2).fraction()).isCloseTo(0.2, within(1e-9));
        assertThat(bins.stream().mapToDouble(LatencyHistogram.Bin::fraction).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void tiesAndDisorderStillSumToOne() {
        // p50 = p90 (a narrow distribution) and a p99 below p90 (rounding in the helper): no mass is lost
        List<LatencyHistogram.Bin> bins = LatencyHistogram.of(result(5_000, 9_000, 9_000, 8_000, 30_000, 200_000), 24);
        assertThat(bins).hasSize(24);
        assertThat(bins.stream().mapToDouble(LatencyHistogram.Bin::fraction).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(bins).allSatisfy(b -> assertThat(b.fraction()).isGreaterThanOrEqualTo(0));
    }

    @Test
    void degenerateResults() {
        assertThat(LatencyHistogram.of(result(7_000, 7_000, 7_000, 7_000, 7_000, 7_000), 24)).singleElement()
                .satisfies(b -> assertThat(b.fraction()).isEqualTo(1.0));
        BenchResult none = new BenchResult(0, 0, Duration.ZERO, 4096, 1, ns(0), ns(0), ns(0), ns(0), ns(0), ns(0), ns(0));
        assertThat(LatencyHistogram.of(none, 24)).isEmpty();
    }

    @Test
    void formatsLatencies() {
        assertThat(LatencyHistogram.format(ns(850))).isEqualTo("850 ns");
        assertThat(LatencyHistogram.format(ns(12_500))).isEqualTo("12.5 µs");
        assertThat(LatencyHistogram.format(ns(125_000))).isEqualTo("125 µs");
        assertThat(LatencyHistogram.format(ns(3_200_000))).isEqualTo("3.2 ms");
        assertThat(LatencyHistogram.format(ns(2_500_000_000L))).isEqualTo("2.50 s");
    }
}
