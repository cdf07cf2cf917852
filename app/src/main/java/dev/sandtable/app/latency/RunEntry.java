package dev.sandtable.app.latency;

import dev.sandtable.latency.ProbeReport;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A run in the history: one of this session, one saved by an earlier session, or one opened from a file.
 *
 * @param sandbox what was probed, for the list ("web-1 · Local", "temporary")
 * @param file    where it is saved (null until the save finished)
 * @param origin  where it came from
 */
public record RunEntry(ProbeReport report, String sandbox, Path file, Origin origin) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM d HH:mm:ss").withZone(ZoneId.systemDefault());

    public enum Origin { THIS_SESSION, SAVED, OPENED }

    public RunEntry withFile(Path f) {
        return new RunEntry(report, sandbox, f, origin);
    }

    /** "Nov 23 15:02:11 · web-1 · Local". */
    public String title() {
        return TIME.format(report.startedAt()) + (sandbox == null || sandbox.isBlank() ? "" : " · " + sandbox);
    }

    @Override
    public String toString() {
        return title();
    }
}
