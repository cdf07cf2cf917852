package dev.sandtable.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchTest {
    private final String before = System.getProperty(Bench.SMOKE);

    @AfterEach
    void restore() {
        if (before == null) System.clearProperty(Bench.SMOKE);
        else System.setProperty(Bench.SMOKE, before);
    }

    @Test
    void aFullRunUsesTheFullCounts() {
        System.clearProperty(Bench.SMOKE);
        assertThat(Bench.smoke()).isFalse();
        assertThat(Bench.count(10_000)).isEqualTo(10_000);
        assertThat(Bench.count(3, 1)).isEqualTo(3);
        assertThat(Bench.seconds(20)).isEqualTo(20);
        assertThat(Bench.mark(100)).isEmpty();
    }

    @Test
    void aSmokeRunUsesSmallCountsButNeverMoreThanTheFullOnes() {
        System.setProperty(Bench.SMOKE, "true");
        assertThat(Bench.smoke()).isTrue();
        assertThat(Bench.count(10_000)).isEqualTo(500);
        assertThat(Bench.count(30)).isEqualTo(3);
        assertThat(Bench.count(2)).isEqualTo(2);
        assertThat(Bench.count(4, 1)).isEqualTo(1);
        assertThat(Bench.count(1, 5)).isEqualTo(1);
        assertThat(Bench.seconds(20)).isEqualTo(2);
        assertThat(Bench.seconds(5)).isEqualTo(1);
        assertThat(Bench.mark(5)).isEqualTo(" (smoke run: 5 iterations, numbers not meaningful)");
        assertThat(Bench.mark(1)).isEqualTo(" (smoke run: 1 iteration, numbers not meaningful)");
    }
}
