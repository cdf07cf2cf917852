package dev.sandtable.spi;

/** Filled in by the streams issue. */
public record TerminalRequest(String command, int columns, int rows) {
}
