package dev.sandtable.spi;

/** A running directory watch; filled in by the streams issue. */
public interface DirectoryWatch extends AutoCloseable {
    @Override
    void close();
}
