package dev.sandtable.dirwatch;

import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.FsEvent.FsEventType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The polling fallback of a directory watch, for every backend that has no watch in the sandbox: two successive
 * listings (relative path to {@link FileStamp}) become events. A new path, or one whose identity changed, is CREATE;
 * a gone one REMOVE; a file whose size or modification time changed WRITE; otherwise a changed mode CHMOD. Changes
 * within one interval merge into one event, and a file created and removed between two listings is never seen.
 */
public final class ListingDiff {
    private ListingDiff() {
    }

    /** The events from {@code before} to {@code now}, sorted by path; latency from the entry's modification time. */
    public static List<FsEvent> diff(Map<String, FileStamp> before, Map<String, FileStamp> now, Instant at) {
        List<FsEvent> out = new ArrayList<>();
        for (Map.Entry<String, FileStamp> e : now.entrySet()) {
            FileStamp old = before.get(e.getKey());
            FileStamp cur = e.getValue();
            FsEventType type;
            if (old == null || old.identity() != null && cur.identity() != null && !old.identity().equals(cur.identity()))
                type = FsEventType.CREATE;
            else if (!cur.directory() && (old.size() != cur.size() || !Objects.equals(old.modified(), cur.modified())))
                type = FsEventType.WRITE;
            else if (old.mode() != cur.mode()) type = FsEventType.CHMOD;
            else continue;
            out.add(new FsEvent(at, type, e.getKey(), type == FsEventType.CHMOD ? null : latency(cur.modified(), at)));
        }
        for (String gone : before.keySet())
            if (!now.containsKey(gone)) out.add(new FsEvent(at, FsEventType.REMOVE, gone, null));
        out.sort(Comparator.comparing(FsEvent::path));
        return out;
    }

    /** {@code path} relative to the watched {@code root} (with or without a trailing slash); other paths unchanged. */
    public static String relative(String path, String root) {
        String r = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
        if (path.startsWith(r + "/")) return path.substring(r.length() + 1);
        if (r.equals("/") && path.startsWith("/")) return path.substring(1);
        return path;
    }

    private static Duration latency(Instant changed, Instant at) {
        return changed == null || changed.isAfter(at) ? null : Duration.between(changed, at);
    }
}
