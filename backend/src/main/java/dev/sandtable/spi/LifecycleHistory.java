package dev.sandtable.spi;

import dev.sandtable.model.LifecycleEvent;

import java.util.ArrayDeque;
import java.util.List;

/** The latest lifecycle entries of a backend, bounded, for {@link BackendEvent.Synced#recentHistory()}. Not thread-safe. */
public final class LifecycleHistory {
    public static final int DEFAULT_LIMIT = 1_000;

    private final int limit;
    private final ArrayDeque<LifecycleEvent> events = new ArrayDeque<>();

    public LifecycleHistory() {
        this(DEFAULT_LIMIT);
    }

    public LifecycleHistory(int limit) {
        this.limit = limit;
    }

    /** Remembers the event if it is a lifecycle entry; returns the event for chaining. */
    public BackendEvent record(BackendEvent event) {
        if (event instanceof BackendEvent.Lifecycle l) {
            events.addLast(l.event());
            if (events.size() > limit) events.removeFirst();
        }
        return event;
    }

    public List<LifecycleEvent> snapshot() {
        return List.copyOf(events);
    }
}
