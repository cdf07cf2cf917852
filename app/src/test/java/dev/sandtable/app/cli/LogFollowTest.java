package dev.sandtable.app.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogFollowTest {
    @Test
    void aGrowingSmallLogAddsItsNewEnd() {
        assertThat(LogFollow.added("", "a\n")).isEqualTo(new LogFollow.Added("a\n", false));
        assertThat(LogFollow.added("a\n", "a\nb\n")).isEqualTo(new LogFollow.Added("b\n", false));
        assertThat(LogFollow.added("a\n", "a\n")).isEqualTo(new LogFollow.Added("", false));
        assertThat(LogFollow.added("x\n", "x\nx\n")).as("a repeated line is still new").isEqualTo(new LogFollow.Added("x\n", false));
    }

    @Test
    void aSlidingWindowAddsOnlyWhatFollowsTheOverlap() {
        assertThat(LogFollow.added("one\ntwo\nthree\n", "two\nthree\nfour\n")).isEqualTo(new LogFollow.Added("four\n", false));
        assertThat(LogFollow.added("one\ntwo\nthree\n", "three\nfour\nfive\n")).isEqualTo(new LogFollow.Added("four\nfive\n", false));
    }

    @Test
    void noOverlapMeansLinesWereSkipped() {
        assertThat(LogFollow.added("one\ntwo\n", "seven\neight\n")).isEqualTo(new LogFollow.Added("seven\neight\n", true));
    }
}
