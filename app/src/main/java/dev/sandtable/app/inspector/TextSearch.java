package dev.sandtable.app.inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Find-in-text with a current match: every match of a query (case-insensitive, not overlapping), which one is
 * current, and moving to the next or previous one with wrap-around. No JavaFX.
 */
public final class TextSearch {
    public static final String MATCH = "search-match";
    public static final String CURRENT = "search-current";

    private String text = "";
    private String query = "";
    private List<StyledRange> matches = List.of();
    private int current = -1;

    /** All matches of {@code query} in {@code text}; none for an empty query. */
    public static List<StyledRange> find(String text, String query) {
        if (query == null || query.isEmpty()) return List.of();
        String hay = text.toLowerCase(Locale.ROOT);
        String needle = query.toLowerCase(Locale.ROOT);
        // toLowerCase may change lengths for a few characters; then fall back to exact matching
        if (hay.length() != text.length() || needle.length() != query.length()) {
            hay = text;
            needle = query;
        }
        List<StyledRange> out = new ArrayList<>();
        for (int i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length()))
            out.add(new StyledRange(i, i + needle.length(), MATCH));
        return out;
    }

    /** New text (a refresh): the current match stays the one at or after its old position. */
    public void setText(String text) {
        int at = current >= 0 ? matches.get(current).start() : 0;
        this.text = text == null ? "" : text;
        recompute(at);
    }

    public void setQuery(String query) {
        this.query = query == null ? "" : query;
        recompute(current >= 0 ? matches.get(current).start() : 0);
    }

    private void recompute(int from) {
        matches = find(text, query);
        current = -1;
        if (matches.isEmpty()) return;
        current = 0;
        for (int i = 0; i < matches.size(); i++) {
            if (matches.get(i).start() >= from) {
                current = i;
                break;
            }
        }
    }

    public void next() {
        if (!matches.isEmpty()) current = (current + 1) % matches.size();
    }

    public void previous() {
        if (!matches.isEmpty()) current = (current - 1 + matches.size()) % matches.size();
    }

    public List<StyledRange> matches() {
        return matches;
    }

    /** The current match, or null when there is none. */
    public StyledRange current() {
        return current < 0 ? null : matches.get(current);
    }

    /** "3 of 12", "No matches", or "" without a query. */
    public String counter() {
        if (query.isEmpty()) return "";
        if (matches.isEmpty()) return "No matches";
        return (current + 1) + " of " + matches.size();
    }
}
