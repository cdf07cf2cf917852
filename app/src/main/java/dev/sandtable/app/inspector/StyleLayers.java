package dev.sandtable.app.inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Flattens layers of possibly overlapping styled ranges (syntax, then search matches, then the current match) into
 * consecutive runs that cover the whole text, each with every style class that applies: the shape RichTextFX's
 * StyleSpans wants. No JavaFX.
 */
public final class StyleLayers {
    /** {@code length} characters carrying {@code styles} (empty: unstyled). */
    public record Run(int length, List<String> styles) {
    }

    private StyleLayers() {
    }

    public static List<Run> flatten(int textLength, List<StyledRange> ranges) {
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, textLength));
        for (StyledRange r : ranges) {
            cuts.add(Math.min(r.start(), textLength));
            cuts.add(Math.min(r.end(), textLength));
        }
        List<Run> runs = new ArrayList<>();
        Integer from = cuts.first();
        for (Integer to : cuts.tailSet(from, false)) {
            List<String> styles = new ArrayList<>();
            for (StyledRange r : ranges)
                if (r.start() <= from && r.end() >= to && !styles.contains(r.style())) styles.add(r.style());
            if (!runs.isEmpty() && runs.getLast().styles().equals(styles))
                runs.set(runs.size() - 1, new Run(runs.getLast().length() + to - from, styles));
            else runs.add(new Run(to - from, List.copyOf(styles)));
            from = to;
        }
        return runs;
    }
}
