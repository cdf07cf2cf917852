package dev.sandtable.e2b;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Log entries of either API version to the text the inspector and the CLI show. */
class E2bLogTextTest {
    static com.fasterxml.jackson.databind.JsonNode json(String s) throws Exception {
        return E2bApi.JSON.readTree(s);
    }

    @Test
    void v2EntriesAskedBackwardAreTurnedOldestFirst() throws Exception {
        String newestFirst = """
                {"logs":[{"timestamp":"2026-01-01T00:00:03Z","message":"three","level":"info","fields":{}},
                         {"timestamp":"2026-01-01T00:00:02Z","message":"two","level":"warn","fields":{}},
                         {"timestamp":"2026-01-01T00:00:01Z","message":"one","level":"info","fields":{}}]}""";
        assertThat(E2bLogText.text(json(newestFirst), 1000)).isEqualTo("one\ntwo\nthree\n");
        String sameTime = """
                {"logs":[{"timestamp":"2026-01-01T00:00:00Z","message":"b","level":"info","fields":{}},
                         {"timestamp":"2026-01-01T00:00:00Z","message":"a","level":"info","fields":{}}]}""";
        assertThat(E2bLogText.text(json(sameTime), 1000)).as("equal times: trust the backward order").isEqualTo("a\nb\n");
    }

    @Test
    void aPlatformThatIgnoredTheDirectionIsTakenAsItComes() throws Exception {
        String ascending = """
                {"logs":[{"timestamp":"2026-01-01T00:00:01Z","message":"one","level":"info","fields":{}},
                         {"timestamp":"2026-01-01T00:00:02Z","message":"two","level":"info","fields":{}}]}""";
        assertThat(E2bLogText.text(json(ascending), 1000)).isEqualTo("one\ntwo\n");
    }

    @Test
    void v1LinesAreOldestFirstAlready() throws Exception {
        String v1 = """
                {"logs":[{"timestamp":"2026-01-01T00:00:01Z","line":"one"},{"timestamp":"2026-01-01T00:00:02Z","line":"two"}],
                 "logEntries":[]}""";
        assertThat(E2bLogText.text(json(v1), 1000)).isEqualTo("one\ntwo\n");
        assertThat(E2bLogText.text(json("{\"logs\":[]}"), 1000)).isEmpty();
    }

    @Test
    void theTailStartsAtALineAndNeverInsideACharacter() {
        assertThat(E2bLogText.tail("one\ntwo\nthree\n", 10)).isEqualTo("two\nthree\n");
        assertThat(E2bLogText.tail("one\ntwo\nthree\n", 9)).isEqualTo("three\n");
        assertThat(E2bLogText.tail("one\ntwo\n", 8)).isEqualTo("one\ntwo\n");
        assertThat(E2bLogText.tail("a very long single line\n", 5)).as("one cut line rather than nothing").isEqualTo("line\n");
        assertThat(E2bLogText.tail("xé\n", 2)).isEqualTo("\n");
        assertThat(E2bLogText.tail("abc", 0)).isEmpty();
    }
}
