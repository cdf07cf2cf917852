package dev.sandtable.app.cli;

/**
 * What a re-read log tail adds to the one read before. Each read is the end of the log, starting at a line, so the new
 * read begins somewhere inside the old one (or the old one is all there, when the log is small): the added text is
 * what follows the longest end of the old read that begins the new one.
 */
final class LogFollow {
    /** The added text, and whether some of the log may have been skipped (no overlap: it grew by more than a read). */
    record Added(String text, boolean gap) {
    }

    private LogFollow() {
    }

    static Added added(String before, String now) {
        if (now.startsWith(before)) return new Added(now.substring(before.length()), false);
        // the window slid: try each line start of the old read, longest overlap first
        for (int i = before.indexOf('\n'); i >= 0 && i + 1 < before.length(); i = before.indexOf('\n', i + 1)) {
            int from = i + 1;
            int overlap = before.length() - from;
            if (now.regionMatches(0, before, from, overlap)) return new Added(now.substring(overlap), false);
        }
        return new Added(now, !before.isEmpty());
    }
}
