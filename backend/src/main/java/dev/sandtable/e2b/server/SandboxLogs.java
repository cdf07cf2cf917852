package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * E2B's sandbox logs ({@code GET /sandboxes/{id}/logs}, {@code GET /v2/sandboxes/{id}/logs}) made from a local
 * sandbox's log text. The local log (its init's output) has no per-line times or levels, so every line is an
 * {@code info} entry stamped with the sandbox's start; the query's cursor, direction, level, search and limit are
 * applied as E2B applies them (backward = newest first, the cursor then being the latest time wanted).
 */
final class SandboxLogs {
    static final int DEFAULT_LIMIT = 1000;
    static final int V2_MAX_LIMIT = 1000;
    static final int MAX_SEARCH = 256;
    private static final List<String> LEVELS = List.of("debug", "info", "warn", "error");

    record Entry(Instant timestamp, String level, String message) {
    }

    /** The query of either version: v1 names the cursor {@code start} and has only it and {@code limit}. */
    record Query(Long cursorMillis, int limit, boolean backward, String minLevel, String search) {
        static Query parse(Map<String, List<String>> q, boolean v2) {
            Long cursor = number(q, v2 ? "cursor" : "start", 0, Long.MAX_VALUE);
            Long limit = number(q, "limit", 0, v2 ? V2_MAX_LIMIT : Integer.MAX_VALUE);
            if (!v2) return new Query(cursor, limit == null || limit == 0 ? DEFAULT_LIMIT : limit.intValue(), false, null, null);
            String direction = one(q, "direction");
            if (direction != null && !direction.equals("forward") && !direction.equals("backward"))
                throw bad("direction must be 'forward' or 'backward', not '" + direction + "'");
            String level = one(q, "level");
            if (level != null && !LEVELS.contains(level)) throw bad("level must be one of " + LEVELS + ", not '" + level + "'");
            String search = one(q, "search");
            if (search != null && search.length() > MAX_SEARCH) throw bad("search must be at most " + MAX_SEARCH + " characters");
            return new Query(cursor, limit == null || limit == 0 ? DEFAULT_LIMIT : limit.intValue(), "backward".equals(direction),
                    level, search);
        }

        private static String one(Map<String, List<String>> q, String name) {
            List<String> v = q.get(name);
            return v == null || v.isEmpty() ? null : v.getLast();
        }

        private static Long number(Map<String, List<String>> q, String name, long min, long max) {
            String v = one(q, name);
            if (v == null || v.isEmpty()) return null;
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) throw bad(name + " must be between " + min + " and " + max + ", not " + n);
                return n;
            } catch (NumberFormatException e) {
                throw bad(name + " must be a whole number, not '" + v + "'");
            }
        }

        private static SandtableException bad(String message) {
            return new SandtableException(ErrorCode.INVALID_ARGUMENT, message);
        }
    }

    private SandboxLogs() {
    }

    /** One entry per line of {@code text} (a trailing newline does not make an empty last entry). */
    static List<Entry> entries(String text, Instant at) {
        List<Entry> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        String[] lines = text.split("\n", -1);
        int n = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < n; i++) out.add(new Entry(at, "info", lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i]));
        return out;
    }

    /** The entries the query asks for, in the order it asks for them. */
    static List<Entry> select(List<Entry> all, Query q) {
        int min = q.minLevel() == null ? 0 : LEVELS.indexOf(q.minLevel());
        List<Entry> kept = new ArrayList<>();
        for (Entry e : all) {
            if (LEVELS.indexOf(e.level()) < min) continue;
            if (q.search() != null && !e.message().contains(q.search())) continue;
            if (q.cursorMillis() != null) {
                long t = e.timestamp().toEpochMilli();
                if (q.backward() ? t > q.cursorMillis() : t < q.cursorMillis()) continue;
            }
            kept.add(e);
        }
        if (q.backward()) kept = kept.reversed();
        return kept.size() <= q.limit() ? kept : kept.subList(0, q.limit());
    }

    /** {@code SandboxLogsV2Response}: {@code {"logs": [SandboxLogEntry]}}. */
    static ObjectNode v2(List<Entry> entries) {
        ObjectNode out = ProtoJson.object();
        ArrayNode logs = out.putArray("logs");
        entries.forEach(e -> entry(logs.addObject(), e));
        return out;
    }

    /** {@code SandboxLogs}: {@code {"logs": [{timestamp, line}], "logEntries": [SandboxLogEntry]}}. */
    static ObjectNode v1(List<Entry> entries) {
        ObjectNode out = ProtoJson.object();
        ArrayNode logs = out.putArray("logs");
        ArrayNode structured = out.putArray("logEntries");
        for (Entry e : entries) {
            ObjectNode l = logs.addObject();
            l.put("timestamp", e.timestamp().toString());
            l.put("line", e.message());
            entry(structured.addObject(), e);
        }
        return out;
    }

    private static void entry(ObjectNode n, Entry e) {
        n.put("timestamp", e.timestamp().toString());
        n.put("message", e.message());
        n.put("level", e.level());
        n.putObject("fields").put("source", "init");
    }
}
