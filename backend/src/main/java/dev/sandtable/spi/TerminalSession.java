package dev.sandtable.spi;

/** A PTY session into a sandbox; filled in by the streams issue. */
public interface TerminalSession extends AutoCloseable {
    @Override
    void close();
}
