package dev.sandtable.spi;

/** A running directory watch; closing it stops the stream (closing twice is harmless). */
public interface DirectoryWatch extends AutoCloseable {
    WatchRequest request();

    boolean isOpen();

    @Override
    void close();
}
