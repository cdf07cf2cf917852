package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * E2B's sandbox log entries as the text {@code Backend.logs} returns: one line per entry (its message), oldest first,
 * the end kept when it is longer than asked for.
 */
final class E2bLogText {
    private E2bLogText() {
    }

    /**
     * {@code body} is a v2 answer ({@code {"logs":[{timestamp, message, level, fields}]}}, asked for newest first) or a
     * v1 answer ({@code {"logs":[{timestamp, line}]}}, oldest first).
     */
    static String text(JsonNode body, int maxBytes) {
        List<JsonNode> entries = new ArrayList<>();
        if (body != null) body.path("logs").forEach(entries::add);
        boolean v2 = !entries.isEmpty() && entries.getFirst().has("message");
        if (v2 && newestFirst(entries)) entries = entries.reversed();
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : entries) sb.append(e.path(v2 ? "message" : "line").asText("")).append('\n');
        return tail(sb.toString(), maxBytes);
    }

    /** Asked for backward; a platform that ignored that shows ascending times, and is then taken as it comes. */
    private static boolean newestFirst(List<JsonNode> entries) {
        Instant first = time(entries.getFirst()), last = time(entries.getLast());
        return first == null || last == null || !first.isBefore(last);
    }

    private static Instant time(JsonNode e) {
        try {
            return Instant.parse(e.path("timestamp").asText(""));
        } catch (DateTimeParseException ex) {
            return null;
        }
    }

    /** At most {@code maxBytes} UTF-8 bytes from the end, starting at a line when cut. */
    static String tail(String text, int maxBytes) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) return text;
        if (maxBytes <= 0) return "";
        int start = b.length - maxBytes;
        while (start < b.length && (b[start] & 0xC0) == 0x80) start++; // not inside a character
        int nl = start;
        while (nl < b.length && b[nl - 1] != '\n') nl++;
        int from = nl < b.length ? nl : start; // one cut line is better than nothing
        return new String(b, from, b.length - from, StandardCharsets.UTF_8);
    }
}
