package dev.sandtable.spi;

import java.time.Instant;

/** One filesystem event from a directory watch; filled in by the streams issue. */
public record FsEvent(Instant arrivedAt, String type, String path) {
}
