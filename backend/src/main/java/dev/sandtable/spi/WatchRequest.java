package dev.sandtable.spi;

/** Filled in by the streams issue. */
public record WatchRequest(String path, boolean recursive) {
}
