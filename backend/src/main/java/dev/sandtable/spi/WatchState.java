package dev.sandtable.spi;

import java.time.Duration;
import java.time.Instant;

/** The life of a directory watch's stream. */
public sealed interface WatchState {
    Instant at();

    record Connecting(Instant at) implements WatchState {
    }

    /**
     * The watch is live; {@code startLatency} is the time from the request to the backend's start message.
     * {@code resolution} is null for a real watch, else the interval of a polling fallback (changes within one
     * interval are merged, and an event arrives up to one interval late).
     */
    record Started(Instant at, Duration startLatency, Duration resolution) implements WatchState {
        public Started(Instant at, Duration startLatency) {
            this(at, startLatency, null);
        }
    }

    /** The backend said it is still there (sent while no event happens). */
    record Keepalive(Instant at) implements WatchState {
    }

    /** The stream is over: {@code error} is null when it was stopped from this side or ended cleanly. */
    record Ended(Instant at, SandtableException error) implements WatchState {
    }
}
