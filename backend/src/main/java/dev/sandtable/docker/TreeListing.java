package dev.sandtable.docker;

import dev.sandtable.spi.FsEvent;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure parsing for {@link DockerDirectoryWatch}: two consecutive {@code stat -c '%i|%s|%y|%F|%n'} listings become
 * CREATE / WRITE / REMOVE events (latency from the file's modification time, as the local runtime reports it), and
 * {@code inotifywait} / {@code inotifyd} lines become events. Paths are relative to the watched directory.
 */
final class TreeListing {
    private static final DateTimeFormatter STAT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS] Z");

    record Entry(String inode, long size, Instant modified, String type) {
    }

    private final String root;
    private Map<String, Entry> previous;
    private Map<String, Entry> current = new HashMap<>();

    TreeListing(String root) {
        this.root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
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
        current.put(relative(p[4], root), new Entry(p[0], size, time(p[2]), p[3]));
    }

    /** Ends a scan: the events since the previous one (none for the first, which is the baseline). */
    List<FsEvent> end(Instant now) {
        List<FsEvent> out = new ArrayList<>();
        if (previous != null) {
            for (Map.Entry<String, Entry> e : current.entrySet()) {
                Entry before = previous.get(e.getKey());
                Entry after = e.getValue();
                if (before == null || !before.inode().equals(after.inode())) {
                    out.add(new FsEvent(now, FsEvent.FsEventType.CREATE, e.getKey(), latency(after.modified(), now)));
                } else if (before.size() != after.size() || !java.util.Objects.equals(before.modified(), after.modified())) {
                    if (!after.type().contains("directory")) out.add(new FsEvent(now, FsEvent.FsEventType.WRITE, e.getKey(), latency(after.modified(), now)));
                }
            }
            for (String gone : previous.keySet())
                if (!current.containsKey(gone)) out.add(new FsEvent(now, FsEvent.FsEventType.REMOVE, gone, null));
            out.sort(java.util.Comparator.comparing(FsEvent::path));
        }
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

    private static Duration latency(Instant changed, Instant now) {
        if (changed == null || changed.isAfter(now)) return null;
        return Duration.between(changed, now);
    }

    static String relative(String path, String root) {
        String r = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
        if (path.startsWith(r + "/")) return path.substring(r.length() + 1);
        if (r.equals("/") && path.startsWith("/")) return path.substring(1);
        return path;
    }

    /** {@code %e|%w%f}, e.g. "CREATE|/work/a.txt", "MODIFY|/work/a.txt", "MOVED_TO|/work/b", "CREATE,ISDIR|/work/d". */
    static FsEvent inotifywait(String l, String root, Instant now) {
        int bar = l.indexOf('|');
        if (bar < 0) return null;
        FsEvent.FsEventType type = null;
        for (String flag : l.substring(0, bar).split(",")) {
            type = switch (flag) {
                case "CREATE" -> FsEvent.FsEventType.CREATE;
                case "MODIFY", "CLOSE_WRITE" -> FsEvent.FsEventType.WRITE;
                case "DELETE", "DELETE_SELF" -> FsEvent.FsEventType.REMOVE;
                case "MOVED_FROM", "MOVED_TO", "MOVE_SELF" -> FsEvent.FsEventType.RENAME;
                case "ATTRIB" -> FsEvent.FsEventType.CHMOD;
                default -> type;
            };
        }
        return type == null ? null : new FsEvent(now, type, relative(l.substring(bar + 1), root), null);
    }

    /** busybox {@code inotifyd -}: "EVENT\tDIR\tNAME" with one letter per event (n created, d deleted, w/c written, ...). */
    static FsEvent inotifyd(String l, String root, Instant now) {
        String[] p = l.split("\t");
        if (p.length < 3 || p[0].isEmpty()) return null;
        FsEvent.FsEventType type = switch (p[0].charAt(0)) {
            case 'n' -> FsEvent.FsEventType.CREATE;
            case 'd' -> FsEvent.FsEventType.REMOVE;
            case 'w', 'c' -> FsEvent.FsEventType.WRITE;
            case 'm', 'y' -> FsEvent.FsEventType.RENAME;
            case 'e' -> FsEvent.FsEventType.CHMOD;
            default -> null;
        };
        return type == null ? null : new FsEvent(now, type, p[2], null);
    }
}
