package dev.sandtable.docker;

import dev.sandtable.dirwatch.FileStamp;
import dev.sandtable.dirwatch.ListingDiff;
import dev.sandtable.spi.FsEvent;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The polling fallback's listings for {@link DockerDirectoryWatch}: {@code stat -c '%i|%s|%y|%F|%n'} lines, scan by
 * scan; {@link ListingDiff} turns two consecutive scans into events (latency from the file's modification time, as
 * the local runtime reports it). Paths are relative to the watched directory.
 */
final class TreeListing {
    private static final DateTimeFormatter STAT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS] Z");

    private final String root;
    private Map<String, FileStamp> previous;
    private Map<String, FileStamp> current = new HashMap<>();

    TreeListing(String root) {
        this.root = root;
    }

    void begin() {
        current = new HashMap<>();
    }

    void line(String l) {
        String[] p = l.split("\\|", 5);
        if (p.length < 5) return;
        long size;
        try {
            size = Long.parseLong(p[1]);
        } catch (NumberFormatException e) {
            return;
        }
        current.put(ListingDiff.relative(p[4], root), new FileStamp(p[0], size, time(p[2]), 0, p[3].contains("directory")));
    }

    /** Ends a scan: the events since the previous one (none for the first, which is the baseline). */
    List<FsEvent> end(Instant now) {
        List<FsEvent> out = previous == null ? List.of() : ListingDiff.diff(previous, current, now);
        previous = current;
        return out;
    }

    static Instant time(String s) {
        try {
            String t = s.trim();
            // busybox and coreutils: "2026-11-23 14:44:39.123456789 +0000"
            return java.time.OffsetDateTime.parse(t, STAT_TIME).toInstant();
        } catch (RuntimeException e) {
            try {
                return LocalDateTime.parse(s.trim().substring(0, 19).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }
}
