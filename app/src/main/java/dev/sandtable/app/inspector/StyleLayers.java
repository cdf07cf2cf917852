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

    /** A sweep over the range ends: O(n log n) in the number of ranges, so a long log with many matches stays quick. */
    public static List<Run> flatten(int textLength, List<StyledRange> ranges) {
        int n = ranges.size();
        // events: start of range i as 2i+1 and its end as 2i, sorted by position, ends before starts
        long[] events = new long[2 * n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            StyledRange r = ranges.get(i);
            int start = Math.min(r.start(), textLength), end = Math.min(r.end(), textLength);
            if (start == end) continue; // covers nothing
            events[count++] = ((long) start << 32) | (2L * i + 1);
            events[count++] = ((long) end << 32) | (2L * i);
        }
        events = java.util.Arrays.copyOf(events, count);
        java.util.Arrays.sort(events);
        List<Run> runs = new ArrayList<>();
        TreeSet<Integer> active = new TreeSet<>(); // indices, so styles keep the order of the layers
        int from = 0;
        int e = 0;
        while (from < textLength) {
            while (e < events.length && (int) (events[e] >>> 32) <= from) {
                int code = (int) events[e] & 0x7fffffff;
                if ((code & 1) == 1) active.add(code >>> 1);
                else active.remove(code >>> 1);
                e++;
            }
            int to = e < events.length ? (int) (events[e] >>> 32) : textLength;
            List<String> styles = new ArrayList<>();
            for (int i : active) if (!styles.contains(ranges.get(i).style())) styles.add(ranges.get(i).style());
            if (!runs.isEmpty() && runs.getLast().styles().equals(styles))
                runs.set(runs.size() - 1, new Run(runs.getLast().length() + to - from, runs.getLast().styles()));
            else runs.add(new Run(to - from, List.copyOf(styles)));
            from = to;
        }
        return runs;
    }
}
