package dev.sandtable.app.inspector;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StyleLayersTest {
    @Test
    void overlappingLayersBecomeRunsCoveringTheWholeText() {
        List<StyleLayers.Run> runs = StyleLayers.flatten(10, List.of(
                new StyledRange(2, 6, "json-string"),
                new StyledRange(4, 8, "search-match"),
                new StyledRange(4, 5, "search-current")));
        assertThat(runs).containsExactly(
                new StyleLayers.Run(2, List.of()),
                new StyleLayers.Run(2, List.of("json-string")),
                new StyleLayers.Run(1, List.of("json-string", "search-match", "search-current")),
                new StyleLayers.Run(1, List.of("json-string", "search-match")),
                new StyleLayers.Run(2, List.of("search-match")),
                new StyleLayers.Run(2, List.of()));
        assertThat(runs.stream().mapToInt(StyleLayers.Run::length).sum()).isEqualTo(10);
    }

    @Test
    void adjacentRunsWithTheSameStylesMergeAndEmptyTextHasNone() {
        assertThat(StyleLayers.flatten(4, List.of(new StyledRange(0, 2, "a"), new StyledRange(2, 4, "a"))))
                .containsExactly(new StyleLayers.Run(4, List.of("a")));
        assertThat(StyleLayers.flatten(0, List.of())).isEmpty();
        assertThat(StyleLayers.flatten(3, List.of())).containsExactly(new StyleLayers.Run(3, List.of()));
    }

    @Test
    void emptyAndOutOfTextRangesCoverNothing() {
        assertThat(StyleLayers.flatten(4, List.of(new StyledRange(1, 1, "empty"), new StyledRange(2, 9, "long"),
                new StyledRange(6, 8, "beyond")))).containsExactly(
                new StyleLayers.Run(2, List.of()), new StyleLayers.Run(2, List.of("long")));
    }

    @Test
    void sameStyleFromTwoLayersIsListedOnce() {
        assertThat(StyleLayers.flatten(3, List.of(new StyledRange(0, 3, "m"), new StyledRange(1, 2, "m"))))
                .containsExactly(new StyleLayers.Run(3, List.of("m")));
    }
}
