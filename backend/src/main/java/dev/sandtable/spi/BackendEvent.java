package dev.sandtable.spi;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;

import java.util.List;

/** What a live view delivers: a full sync, then upserts, removals, lifecycle entries and connection changes. */
public sealed interface BackendEvent {

    /**
     * The whole inventory: replaces everything known so far (initial list, or relist after a reconnect).
     * {@code recentHistory} holds the backend's latest lifecycle entries, oldest first, so a window opened after the
     * fact still shows what happened; a listener that already has an entry (same time, resource and action) skips it.
     */
    record Synced(Inventory inventory, List<LifecycleEvent> recentHistory) implements BackendEvent {
        public Synced {
            recentHistory = recentHistory == null ? List.of() : List.copyOf(recentHistory);
        }

        public Synced(Inventory inventory) {
            this(inventory, List.of());
        }
    }

    /** A resource appeared or changed. */
    record Upserted(Resource resource) implements BackendEvent {
    }

    /** A resource is gone. */
    record Removed(ResourceKind kind, String key) implements BackendEvent {
    }

    /** An entry for the lifecycle timeline. */
    record Lifecycle(LifecycleEvent event) implements BackendEvent {
    }

    /** The connection to the backend changed; {@code message} says why (null when connected). */
    record Connection(ConnectionState state, String message) implements BackendEvent {
    }
}
