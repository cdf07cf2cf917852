package dev.sandtable.app.inspector;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TextSearchTest {
    @Test
    void findsEveryMatchIgnoringCaseWithoutOverlaps() {
        assertThat(TextSearch.find("Abab aBa", "ab")).extracting(StyledRange::start).containsExactly(0, 2, 5);
        assertThat(TextSearch.find("aaaa", "aa")).extracting(StyledRange::start).containsExactly(0, 2);
        assertThat(TextSearch.find("text", "")).isEmpty();
        assertThat(TextSearch.find("text", "zz")).isEmpty();
    }

    @Test
    void nextAndPreviousWrapAroundAndTheCounterFollows() {
        TextSearch s = new TextSearch();
        s.setText("one two one two one");
        assertThat(s.counter()).isEmpty();
        s.setQuery("one");
        assertThat(s.counter()).isEqualTo("1 of 3");
        assertThat(s.current().start()).isZero();
        s.next();
        s.next();
        assertThat(s.counter()).isEqualTo("3 of 3");
        assertThat(s.current().start()).isEqualTo(16);
        s.next();
        assertThat(s.counter()).isEqualTo("1 of 3");
        s.previous();
        assertThat(s.counter()).isEqualTo("3 of 3");
        s.setQuery("three");
        assertThat(s.counter()).isEqualTo("No matches");
        assertThat(s.current()).isNull();
        s.next(); // nothing to move to
        assertThat(s.current()).isNull();
    }

    @Test
    void newTextKeepsTheCurrentMatchAtOrAfterItsPosition() {
        TextSearch s = new TextSearch();
        s.setText("x a x a x");
        s.setQuery("x");
        s.next();
        assertThat(s.current().start()).isEqualTo(4);
        s.setText("x a x a x x"); // a refreshed log grew
        assertThat(s.current().start()).isEqualTo(4);
        assertThat(s.counter()).isEqualTo("2 of 4");
    }
}
