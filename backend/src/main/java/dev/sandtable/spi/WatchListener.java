package dev.sandtable.spi;

/** Receives a directory watch's events and its stream's state, on a backend thread; must not block. */
@FunctionalInterface
public interface WatchListener {
    void onEvent(FsEvent event);

    default void onState(WatchState state) {
    }
}
