package dev.sandtable.spi;

/** Ends a live-view subscription; closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
