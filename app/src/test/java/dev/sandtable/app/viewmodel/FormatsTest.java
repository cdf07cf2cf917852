package dev.sandtable.app.viewmodel;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FormatsTest {
    private final Instant now = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void relativeTimesReadNaturally() {
        assertThat(Formats.relative(now, now)).isEqualTo("just now");
        assertThat(Formats.relative(now.minusSeconds(12), now)).isEqualTo("12 s ago");
        assertThat(Formats.relative(now.minusSeconds(300), now)).isEqualTo("5 min ago");
        assertThat(Formats.relative(now.minusSeconds(3 * 3600), now)).isEqualTo("3 h ago");
        assertThat(Formats.relative(now.plusSeconds(120), now)).isEqualTo("in 2 min");
        assertThat(Formats.relative(null, now)).isEqualTo("—");
    }

    @Test
    void sizesAndLatencies() {
        assertThat(Formats.bytes(512)).isEqualTo("512 B");
        assertThat(Formats.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Formats.bytes(200L * 1024 * 1024)).isEqualTo("200 MiB");
        assertThat(Formats.micros(850)).isEqualTo("850 µs");
        assertThat(Formats.micros(2_500)).isEqualTo("2.5 ms");
        assertThat(Formats.micros(1_250_000)).isEqualTo("1.25 s");
    }

    @Test
    void fuzzyPrefersPrefixesAndWordStarts() {
        assertThat(FuzzyMatch.score("web", "web-1")).isGreaterThan(FuzzyMatch.score("web", "my-cobweb"));
        assertThat(FuzzyMatch.score("rs", "Restore snapshot")).isGreaterThan(0);
        assertThat(FuzzyMatch.score("xyz", "web-1")).isEqualTo(-1);
    }
}
