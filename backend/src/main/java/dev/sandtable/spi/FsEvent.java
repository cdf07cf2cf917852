package dev.sandtable.spi;

import java.time.Duration;
import java.time.Instant;

/**
 * One filesystem event from a directory watch.
 *
 * @param arrivedAt when this client received it
 * @param type      what happened
 * @param path      the path relative to the watched directory, as the backend reports it
 * @param latency   from the change to its arrival, when the backend tells when the change happened; else null
 */
public record FsEvent(Instant arrivedAt, FsEventType type, String path, Duration latency) {
    public enum FsEventType { CREATE, WRITE, REMOVE, RENAME, CHMOD }
}
