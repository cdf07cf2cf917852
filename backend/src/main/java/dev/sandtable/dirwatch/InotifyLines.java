package dev.sandtable.dirwatch;

import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.FsEvent.FsEventType;

import java.time.Instant;

/**
 * The lines of the inotify tools a watch runs inside a sandbox, as events with paths relative to the watched
 * directory: {@code inotifywait -m --format '%e|%w%f'} (inotify-tools) and {@code inotifyd -} (busybox).
 */
public final class InotifyLines {
    /** The events to ask inotifywait for, and the format {@link #inotifywait} reads. */
    public static final String INOTIFYWAIT_EVENTS = "create,modify,delete,moved_from,moved_to,attrib";
    public static final String INOTIFYWAIT_FORMAT = "%e|%w%f";

    private InotifyLines() {
    }

    /**
     * "CREATE|/work/a.txt", "MODIFY|/work/a.txt", "MOVED_TO|/work/b", "CREATE,ISDIR|/work/d"; the event list ends at
     * the last bar before the path's first slash, so a bar in a file name is kept. Other events give null.
     */
    public static FsEvent inotifywait(String line, String root, Instant at) {
        int slash = line.indexOf('/');
        int bar = line.lastIndexOf('|', slash < 0 ? line.length() : slash);
        if (bar < 0) return null;
        FsEventType type = null;
        for (String flag : line.substring(0, bar).split(",")) {
            type = switch (flag) {
                case "CREATE" -> FsEventType.CREATE;
                case "MODIFY", "CLOSE_WRITE" -> type == null ? FsEventType.WRITE : type;
                case "DELETE", "DELETE_SELF" -> FsEventType.REMOVE;
                case "MOVED_FROM", "MOVED_TO", "MOVE_SELF" -> FsEventType.RENAME;
                case "ATTRIB" -> type == null ? FsEventType.CHMOD : type;
                default -> type;
            };
        }
        return type == null ? null : new FsEvent(at, type, ListingDiff.relative(line.substring(bar + 1), root), null);
    }

    /** busybox {@code inotifyd -}: "EVENT\tDIR\tNAME", one letter per event (n created, d deleted, w/c written, …). */
    public static FsEvent inotifyd(String line, String root, Instant at) {
        String[] p = line.split("\t");
        if (p.length < 3 || p[0].isEmpty()) return null;
        FsEventType type = switch (p[0].charAt(0)) {
            case 'n' -> FsEventType.CREATE;
            case 'd' -> FsEventType.REMOVE;
            case 'w', 'c' -> FsEventType.WRITE;
            case 'm', 'y' -> FsEventType.RENAME;
            case 'e' -> FsEventType.CHMOD;
            default -> null;
        };
        return type == null ? null : new FsEvent(at, type, p[2], null);
    }
}
