package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Subscription;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Everything the window shows, fed by backend events.
 *
 * <p>Threading: backends call the watch listener on their own threads; the listener only enqueues. The UI drains
 * the queue once per pulse with {@link #drain(int)} on the FX thread, applying the batch to the tables as one list
 * change each. Tests call {@link #drain(int)} directly: no FX toolkit is needed.
 */
public final class LiveInventory implements AutoCloseable {
    private record Envelope(BackendViewModel backend, BackendEvent event) {
    }

    private final ObservableList<BackendViewModel> backends = FXCollections.observableArrayList();
    private final LiveTable<Sandbox> sandboxes = new LiveTable<>(Sandbox::state);
    private final LiveTable<Pool> pools = new LiveTable<>(null);
    private final LiveTable<Snapshot> snapshots = new LiveTable<>(Snapshot::state);
    private final LiveTable<Template> templates = new LiveTable<>(null);
    private final ActivityLog activity = new ActivityLog();
    private final ConcurrentLinkedQueue<Envelope> queue = new ConcurrentLinkedQueue<>();
    private final Map<BackendViewModel, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final ReadOnlyLongWrapper version = new ReadOnlyLongWrapper();
    private long reorderEveryNanos;
    private long lastReorder;
    private int lastMoves;

    /** Subscribes to a backend's live view; its events show up at the next {@link #drain}. */
    public BackendViewModel connect(Backend backend) {
        return connect(new BackendViewModel(backend));
    }

    /** Subscribes to a backend the caller described (a user-given name, removable). */
    public BackendViewModel connect(BackendViewModel vm) {
        Backend backend = vm.backend();
        backends.add(vm);
        subscriptions.put(vm, backend.watch(e -> queue.add(new Envelope(vm, e))));
        return vm;
    }

    /**
     * Takes a backend out of the window: stops its live view, drops its queued events and removes its rows at once
     * (its timeline entries stay). The caller closes the backend itself.
     */
    public void disconnect(BackendViewModel b) {
        Subscription sub = subscriptions.remove(b);
        if (sub != null) sub.close();
        queue.removeIf(e -> e.backend() == b);
        sandboxes.beginBatch();
        pools.beginBatch();
        snapshots.beginBatch();
        templates.beginBatch();
        try {
            sandboxes.replaceAll(b, List.of());
            pools.replaceAll(b, List.of());
            snapshots.replaceAll(b, List.of());
            templates.replaceAll(b, List.of());
        } finally {
            sandboxes.endBatch();
            pools.endBatch();
            snapshots.endBatch();
            templates.endBatch();
        }
        backends.remove(b);
        version.set(version.get() + 1);
    }

    /** The backend with this id, or null. */
    public BackendViewModel backend(String id) {
        for (BackendViewModel b : backends) if (b.id().equals(id)) return b;
        return null;
    }

    public ObservableList<BackendViewModel> backends() {
        return backends;
    }

    public LiveTable<Sandbox> sandboxes() {
        return sandboxes;
    }

    public LiveTable<Pool> pools() {
        return pools;
    }

    public LiveTable<Snapshot> snapshots() {
        return snapshots;
    }

    public LiveTable<Template> templates() {
        return templates;
    }

    public ActivityLog activity() {
        return activity;
    }

    /** Incremented after every batch that changed something: the status bar and details pane follow it. */
    public ReadOnlyLongProperty versionProperty() {
        return version.getReadOnlyProperty();
    }

    public boolean hasPending() {
        return !queue.isEmpty();
    }

    /**
     * Rows whose update moves them (in a sorted or filtered table) move at most this often; in between they show their
     * new values in place. Zero (the default) moves them at once.
     */
    public void setReorderInterval(java.time.Duration interval) {
        reorderEveryNanos = interval.toNanos();
        for (LiveTable<?> t : List.of(sandboxes, pools, snapshots, templates)) t.setReorderImmediately(reorderEveryNanos == 0);
    }

    private int pendingMoves() {
        return sandboxes.pendingMoves() + pools.pendingMoves() + snapshots.pendingMoves() + templates.pendingMoves();
    }

    /**
     * Applies up to {@code max} queued events as one batch (and due row moves); returns how many events and moves
     * were applied, so zero means nothing changed.
     */
    public int drain(int max) {
        long now = System.nanoTime();
        boolean movesDue = reorderEveryNanos > 0 && now - lastReorder >= reorderEveryNanos && pendingMoves() > 0;
        lastMoves = 0;
        if (queue.isEmpty() && !movesDue) return 0;
        List<Envelope> batch = new ArrayList<>();
        Envelope e;
        while (batch.size() < max && (e = queue.poll()) != null) batch.add(e);
        int moves = apply(batch, movesDue);
        lastMoves = moves;
        if (movesDue) lastReorder = now;
        return batch.size() + moves;
    }

    /** How many rows the last {@link #drain} moved (the window keeps other once-a-second work out of that pulse). */
    public int movesInLastDrain() {
        return lastMoves;
    }

    /** Applies everything queued and every pending move (tests, and start-up). */
    public int drainAll() {
        int n = 0, k;
        while ((k = drain(Integer.MAX_VALUE)) > 0) n += k;
        n += apply(List.of(), true);
        return n;
    }

    private int apply(List<Envelope> batch, boolean applyMoves) {
        sandboxes.beginBatch();
        pools.beginBatch();
        snapshots.beginBatch();
        templates.beginBatch();
        int moves = 0;
        try {
            for (Envelope env : batch) apply(env.backend(), env.event());
            if (applyMoves) {
                moves = pendingMoves();
                sandboxes.applyMoves();
                pools.applyMoves();
                snapshots.applyMoves();
                templates.applyMoves();
            }
        } finally {
            sandboxes.endBatch();
            pools.endBatch();
            snapshots.endBatch();
            templates.endBatch();
            activity.flush();
            if (!batch.isEmpty() || moves > 0) version.set(version.get() + 1);
        }
        return moves;
    }

    private void apply(BackendViewModel b, BackendEvent event) {
        switch (event) {
            case BackendEvent.Synced s -> {
                Inventory inv = s.inventory();
                sandboxes.replaceAll(b, inv.sandboxes());
                pools.replaceAll(b, inv.pools());
                snapshots.replaceAll(b, inv.snapshots());
                templates.replaceAll(b, inv.templates());
                for (LifecycleEvent e : s.recentHistory()) {
                    ActivityEntry entry = ActivityEntry.of(b.displayName(), e);
                    if (!activity.contains(entry)) activity.add(Row.idOf(b.id(), e.resourceKey()), entry);
                }
                if (b.state() != dev.sandtable.spi.ConnectionState.CONNECTED) b.setConnection(dev.sandtable.spi.ConnectionState.CONNECTED, null);
            }
            case BackendEvent.Upserted u -> upsert(b, u.resource());
            case BackendEvent.Removed r -> table(r.kind()).remove(b.id(), r.key());
            case BackendEvent.Lifecycle l -> activity.add(Row.idOf(b.id(), l.event().resourceKey()), ActivityEntry.of(b.displayName(), l.event()));
            case BackendEvent.Connection c -> b.setConnection(c.state(), c.message());
        }
    }

    private void upsert(BackendViewModel b, Resource r) {
        switch (r) {
            case Sandbox s -> sandboxes.upsert(b, s);
            case Pool p -> pools.upsert(b, p);
            case Snapshot s -> snapshots.upsert(b, s);
            case Template t -> templates.upsert(b, t);
        }
    }

    /** Records a failed operation on the timeline (the notification says the same). */
    public void recordFailure(BackendViewModel b, String rowId, String subject, String what, String message) {
        activity.add(rowId, ActivityEntry.failure(java.time.Instant.now(), b == null ? "" : b.displayName(), subject, what, message));
        activity.flush();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public LiveTable<? extends Resource> table(ResourceKind kind) {
        return switch (kind) {
            case SANDBOX -> sandboxes;
            case POOL -> pools;
            case SNAPSHOT -> snapshots;
            case TEMPLATE -> templates;
        };
    }

    /** "42 sandboxes · 3 paused · 2 pools · 5 snapshots" */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(plural(sandboxes.size(), "sandbox", "sandboxes"));
        int running = sandboxes.count(SandboxState.RUNNING), paused = sandboxes.count(SandboxState.PAUSED);
        if (sandboxes.size() > 0) sb.append(" · ").append(running).append(" running");
        if (paused > 0) sb.append(" · ").append(paused).append(" paused");
        int transientCount = 0;
        for (SandboxState s : SandboxState.values()) if (s.isTransient()) transientCount += sandboxes.count(s);
        if (transientCount > 0) sb.append(" · ").append(transientCount).append(" busy");
        sb.append(" · ").append(plural(pools.size(), "pool", "pools"));
        sb.append(" · ").append(plural(snapshots.size(), "snapshot", "snapshots"));
        return sb.toString();
    }

    static String plural(int n, String one, String many) {
        return String.format("%,d %s", n, n == 1 ? one : many);
    }

    @Override
    public void close() {
        subscriptions.values().forEach(Subscription::close);
        subscriptions.clear();
    }
}
