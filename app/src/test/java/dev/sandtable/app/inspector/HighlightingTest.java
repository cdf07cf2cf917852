package dev.sandtable.app.inspector;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HighlightingTest {
    private static List<String> styled(String text, List<StyledRange> ranges) {
        return ranges.stream().map(r -> r.style() + ":" + text.substring(r.start(), r.end())).toList();
    }

    @Test
    void jsonKeysStringsNumbersAndLiterals() {
        String text = "{\n  \"id\" : \"sb-1\",\n  \"n\": -12.5e3,\n  \"ok\": true,\n  \"gone\": null, \"q\": \"a\\\"b: c\"\n}";
        assertThat(styled(text, Highlighting.json(text))).containsExactly(
                "json-key:\"id\"", "json-string:\"sb-1\"",
                "json-key:\"n\"", "json-number:-12.5e3",
                "json-key:\"ok\"", "json-literal:true",
                "json-key:\"gone\"", "json-literal:null",
                "json-key:\"q\"", "json-string:\"a\\\"b: c\"");
    }

    @Test
    void digitsInsideStringsAreNotNumbers() {
        String text = "[\"sb-42\", 7]";
        assertThat(styled(text, Highlighting.json(text))).containsExactly("json-string:\"sb-42\"", "json-number:7");
    }

    @Test
    void errorAndWarningLinesAreWholeLines() {
        String text = "starting\nWARN disk low\nsomething Failed here\nwarnings-free\nERROR: warn too\nlast error";
        assertThat(styled(text, Highlighting.logLines(text))).containsExactly(
                "log-warning:WARN disk low", "log-error:something Failed here", "log-error:ERROR: warn too",
                "log-error:last error");
    }

    @Test
    void emptyTextHasNoRanges() {
        assertThat(Highlighting.json("")).isEmpty();
        assertThat(Highlighting.logLines("")).isEmpty();
    }
}
