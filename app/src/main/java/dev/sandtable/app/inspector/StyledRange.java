package dev.sandtable.app.inspector;

/** A style class over the characters {@code [start, end)} of a text. */
public record StyledRange(int start, int end, String style) {
    public StyledRange {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad range " + start + ".." + end);
    }
}
