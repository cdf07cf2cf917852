package dev.sandtable.synthetic;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Names;
import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.LifecycleHistory;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An in-memory backend: every operation succeeds at once (or fails with the same errors as a real backend).
 * It serves view-model tests, the table-scale benchmark ({@link #churn}) and demos without any runtime.
 */
public final class SyntheticBackend implements Backend {
    public static final String TEMPLATE = "synthetic";

    private final BackendInfo info;
    private final Clock clock;
    private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<String, Claim> claims = new LinkedHashMap<>();
    private final Template template = new Template(TEMPLATE, "Synthetic", TemplateKind.PLATFORM, null,
            "In-memory sandboxes for tests and demos", null);
    private final List<Consumer<BackendEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final LifecycleHistory history = new LifecycleHistory();
    private final Random random = new Random(42);
    /** The sandbox ids churn picks from; copied again when the set of sandboxes changed size. */
    private List<String> churnKeys;

    public SyntheticBackend() {
        this("synthetic", "Synthetic", Clock.systemUTC());
    }

    public SyntheticBackend(String id, String displayName, Clock clock) {
        this.info = new BackendInfo(id, displayName, BackendKind.SYNTHETIC, "memory");
        this.clock = clock;
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all()
                .without(dev.sandtable.spi.Operation.TERMINAL, "Synthetic sandboxes have no processes")
                .without(dev.sandtable.spi.Operation.WATCH_DIR, "Synthetic sandboxes have no files")
                .without(dev.sandtable.spi.Operation.TEMPLATE_CREATE, "Synthetic snapshots hold no files")
                .without(dev.sandtable.spi.Operation.TEMPLATE_DELETE, "The synthetic template is built in");
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        synchronized (this) {
            listener.accept(new BackendEvent.Synced(inventory(), history.snapshot()));
            listeners.add(listener);
        }
        return () -> listeners.remove(listener);
    }

    public synchronized Inventory inventory() {
        return new Inventory(new ArrayList<>(sandboxes.values()), new ArrayList<>(pools.values()),
                new ArrayList<>(snapshots.values()), List.of(template));
    }

    /** Adds {@code count} running sandboxes at once (one Synced-free burst of upserts is too slow for 50,000). */
    public synchronized void populate(int count) {
        for (int i = 0; i < count; i++) {
            Sandbox s = newSandbox(String.format("sbx-%06d", ids.get() + 1), SourceKind.TEMPLATE, TEMPLATE, null);
            sandboxes.put(s.id(), s);
        }
        emit(new BackendEvent.Synced(inventory(), history.snapshot()));
    }

    /**
     * Applies {@code changes} random state changes (running, paused, snapshotting ...) to existing sandboxes:
     * the table-scale benchmark calls this at a fixed rate.
     */
    public synchronized void churn(int changes) {
        if (sandboxes.isEmpty()) return;
        if (churnKeys == null || churnKeys.size() != sandboxes.size()) churnKeys = new ArrayList<>(sandboxes.keySet());
        List<String> keys = churnKeys;
        SandboxState[] states = {SandboxState.RUNNING, SandboxState.PAUSED, SandboxState.PAUSING, SandboxState.RESUMING,
                SandboxState.SNAPSHOTTING};
        for (int i = 0; i < changes; i++) {
            Sandbox s = sandboxes.get(keys.get(random.nextInt(keys.size())));
            if (s == null) {
                churnKeys = null;
                return;
            }
            SandboxState next = states[random.nextInt(states.length)];
            put(s.withState(next, next.name().toLowerCase(java.util.Locale.ROOT), null, clock.instant()));
        }
    }

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        return call(() -> {
            if (request.snapshotId() != null) return restoreNow(request.snapshotId(), request.name());
            if (request.templateId() != null && !TEMPLATE.equals(request.templateId()))
                throw SandtableException.notFound("template", request.templateId());
            return createNow(request.name(), SourceKind.TEMPLATE, TEMPLATE, null);
        });
    }

    @Override
    public CompletableFuture<Sandbox> pause(String ref) {
        return call(() -> transition(ref, SandboxState.RUNNING, SandboxState.PAUSED, "paused"));
    }

    /** A few generated lines in the shape of a real log: its history, one warning and one error line to highlight. */
    @Override
    public CompletableFuture<String> logs(String ref, int maxBytes) {
        return call(() -> {
            Sandbox s = sandbox(ref);
            String text = s.createdAt() + " INFO  synthetic init started for " + s.name() + " (" + s.id() + ")\n"
                    + s.createdAt() + " INFO  template " + s.templateId() + "\n"
                    + s.stateChangedAt() + " WARN  synthetic sandboxes run nothing\n"
                    + s.stateChangedAt() + " ERROR this line is an example error\n"
                    + s.stateChangedAt() + " INFO  state " + s.state().label() + "\n";
            return text.length() <= maxBytes ? text : text.substring(text.length() - Math.max(0, maxBytes));
        });
    }

    @Override
    public CompletableFuture<Sandbox> resume(String ref) {
        return call(() -> transition(ref, SandboxState.PAUSED, SandboxState.RUNNING, "resumed"));
    }

    @Override
    public CompletableFuture<Void> destroy(String ref) {
        return call(() -> {
            Sandbox s = sandbox(ref);
            sandboxes.remove(s.id());
            emit(new BackendEvent.Removed(ResourceKind.SANDBOX, s.id()));
            lifecycle(s, s.state(), SandboxState.TERMINATED, "destroyed");
            return null;
        });
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(String ref, String name) {
        return call(() -> {
            Sandbox s = sandbox(ref);
            String snapName = name == null ? s.name() + "-snap-" + (snapshots.size() + 1) : name;
            checkName("Snapshot", snapName);
            if (snapshots.values().stream().anyMatch(x -> x.name().equals(snapName)))
                throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a snapshot named '" + snapName + "' already exists");
            String parent = s.sourceKind() == SourceKind.SNAPSHOT ? s.sourceRef() : null;
            Snapshot snap = new Snapshot("snap-" + ids.incrementAndGet(), snapName, s.id(), s.name(), parent,
                    SnapshotKind.FILESYSTEM, SnapshotState.READY, 0, 0, clock.instant(), "memory");
            snapshots.put(snap.id(), snap);
            emit(new BackendEvent.Upserted(snap));
            lifecycle(s, s.state(), s.state(), "snapshotted");
            event(ResourceKind.SNAPSHOT, snap.id(), snap.name(), "created", "from " + s.name());
            return snap;
        });
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return call(() -> restoreNow(snapshot, sandboxName));
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String ref) {
        return call(() -> {
            Snapshot snap = snapshotByRef(ref);
            snapshots.remove(snap.id());
            emit(new BackendEvent.Removed(ResourceKind.SNAPSHOT, snap.id()));
            event(ResourceKind.SNAPSHOT, snap.id(), snap.name(), "deleted", null);
            return null;
        });
    }

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return call(() -> {
            checkName("Pool", spec.name());
            if (pools.containsKey(spec.name()))
                throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a pool named '" + spec.name() + "' already exists");
            checkSize(spec.minIdle(), spec.maxSize(), 0);
            Pool p = new Pool(spec.name(), spec.templateId() == null ? TEMPLATE : spec.templateId(), spec.minIdle(),
                    spec.maxSize(), spec.minIdle(), 0, 0, false, PoolStats.EMPTY, clock.instant());
            pools.put(p.name(), p);
            emit(new BackendEvent.Upserted(p));
            event(ResourceKind.POOL, p.name(), p.name(), "created", "min idle " + p.minIdle() + ", max " + p.maxSize());
            return p;
        });
    }

    @Override
    public CompletableFuture<Pool> resizePool(String name, int minIdle, int maxSize) {
        return call(() -> {
            Pool p = pool(name);
            checkSize(minIdle, maxSize, p.inUse());
            Pool q = new Pool(p.name(), p.templateId(), minIdle, maxSize, Math.min(Math.max(p.idle(), minIdle), maxSize - p.inUse()),
                    p.inUse(), 0, false, p.stats(), p.createdAt());
            pools.put(q.name(), q);
            emit(new BackendEvent.Upserted(q));
            event(ResourceKind.POOL, q.name(), q.name(), "resized", "min idle " + minIdle + ", max " + maxSize);
            return q;
        });
    }

    @Override
    public CompletableFuture<Void> deletePool(String name) {
        return call(() -> {
            pool(name);
            pools.remove(name);
            sandboxes.values().stream().filter(s -> name.equals(s.poolName())).map(Sandbox::id).toList()
                    .forEach(id -> {
                        sandboxes.remove(id);
                        emit(new BackendEvent.Removed(ResourceKind.SANDBOX, id));
                    });
            emit(new BackendEvent.Removed(ResourceKind.POOL, name));
            event(ResourceKind.POOL, name, name, "deleted", null);
            return null;
        });
    }

    @Override
    public CompletableFuture<Claim> claim(String name) {
        return call(() -> {
            Pool p = pool(name);
            if (p.inUse() >= p.maxSize())
                throw new SandtableException(ErrorCode.INVALID_STATE, "pool '" + name + "' is at its maximum size of " + p.maxSize());
            boolean warm = p.idle() > 0;
            Sandbox s = createNow(null, SourceKind.POOL, name, null).withPool(name);
            put(s);
            PoolStats st = p.stats();
            Pool q = new Pool(p.name(), p.templateId(), p.minIdle(), p.maxSize(), warm ? p.idle() - 1 : 0, p.inUse() + 1, 0,
                    false, new PoolStats(st.hits() + (warm ? 1 : 0), st.misses() + (warm ? 0 : 1), st.deadSkipped(),
                    st.releases(), st.markedDead(), st.claimLatency()), p.createdAt());
            pools.put(name, q);
            emit(new BackendEvent.Upserted(q));
            Claim c = new Claim("claim-" + ids.incrementAndGet(), name, s, warm, Duration.ZERO);
            claims.put(c.id(), c);
            event(ResourceKind.POOL, name, name, "claimed", s.name() + (warm ? " (warm)" : " (cold)"));
            lifecycle(s, SandboxState.RUNNING, SandboxState.RUNNING, "claimed", "from pool " + name);
            return c;
        });
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return call(() -> {
            Claim c = claims.remove(claimId);
            if (c == null) throw SandtableException.notFound("claim", claimId);
            Pool p = pool(c.pool());
            Sandbox s = sandboxes.get(c.sandbox().id());
            boolean back = mode == ReleaseMode.PUT && s != null;
            if (s != null && back) {
                put(s.withState(SandboxState.PAUSED, "paused", null, clock.instant()));
                lifecycle(s, s.state(), SandboxState.PAUSED, "released", "put back into pool " + p.name());
            }
            if (s != null && !back) {
                sandboxes.remove(s.id());
                emit(new BackendEvent.Removed(ResourceKind.SANDBOX, s.id()));
                lifecycle(s, s.state(), SandboxState.TERMINATED, "released", "marked dead; destroyed");
            }
            event(ResourceKind.POOL, p.name(), p.name(), "released", (s == null ? c.sandbox().name() : s.name()) + (back ? " (put)" : " (dead)"));
            PoolStats st = p.stats();
            Pool q = new Pool(p.name(), p.templateId(), p.minIdle(), p.maxSize(), p.idle() + (back ? 1 : 0), p.inUse() - 1, 0,
                    false, new PoolStats(st.hits(), st.misses(), st.deadSkipped(), st.releases() + (back ? 1 : 0),
                    st.markedDead() + (back ? 0 : 1), st.claimLatency()), p.createdAt());
            pools.put(q.name(), q);
            emit(new BackendEvent.Upserted(q));
            return null;
        });
    }

    @Override
    public void close() {
        listeners.clear();
    }

    private <T> CompletableFuture<T> call(Supplier<T> action) {
        try {
            synchronized (this) {
                return CompletableFuture.completedFuture(action.get());
            }
        } catch (SandtableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Sandbox createNow(String name, SourceKind kind, String ref, String templateId) {
        String n = name == null ? "sbx-" + (ids.get() + 1) : name;
        checkName("Sandbox", n);
        if (sandboxes.values().stream().anyMatch(s -> s.name().equals(n)))
            throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a sandbox named '" + n + "' already exists");
        Sandbox s = newSandbox(n, kind, ref, templateId);
        put(s);
        lifecycle(s, null, SandboxState.RUNNING, "created");
        return s;
    }

    private Sandbox newSandbox(String name, SourceKind kind, String ref, String templateId) {
        Instant now = clock.instant();
        return new Sandbox("s" + ids.incrementAndGet(), name, templateId == null ? TEMPLATE : templateId, kind, ref,
                SandboxState.RUNNING, "running", null, now, now, null, Isolation.none("synthetic: nothing runs"), null, Map.of());
    }

    private Sandbox restoreNow(String snapshotRef, String name) {
        Snapshot snap = snapshotByRef(snapshotRef);
        return createNow(name, SourceKind.SNAPSHOT, snap.id(), null);
    }

    private Sandbox transition(String ref, SandboxState from, SandboxState to, String action) {
        Sandbox s = sandbox(ref);
        if (s.state() != from)
            throw new SandtableException(ErrorCode.INVALID_STATE, "sandbox '" + s.name() + "' is " + s.state().label().toLowerCase()
                    + "; it must be " + from.label().toLowerCase() + " to be " + action);
        Sandbox t = s.withState(to, to.name().toLowerCase(java.util.Locale.ROOT), null, clock.instant());
        put(t);
        lifecycle(t, from, to, action);
        return t;
    }

    private void put(Resource r) {
        if (r instanceof Sandbox s) sandboxes.put(s.id(), s);
        emit(new BackendEvent.Upserted(r));
    }

    private void lifecycle(Sandbox s, SandboxState from, SandboxState to, String action) {
        lifecycle(s, from, to, action, null);
    }

    private void lifecycle(Sandbox s, SandboxState from, SandboxState to, String action, String detail) {
        emit(new BackendEvent.Lifecycle(new LifecycleEvent(clock.instant(), ResourceKind.SANDBOX, s.id(), s.name(), from, to, action, detail)));
    }

    /** Timeline entries for pools and snapshots (no sandbox state). */
    private void event(ResourceKind kind, String key, String name, String action, String detail) {
        emit(new BackendEvent.Lifecycle(new LifecycleEvent(clock.instant(), kind, key, name, null, null, action, detail)));
    }

    private void emit(BackendEvent e) {
        history.record(e);
        for (Consumer<BackendEvent> l : listeners) l.accept(e);
    }

    private Sandbox sandbox(String ref) {
        Sandbox s = sandboxes.get(ref);
        if (s != null) return s;
        return sandboxes.values().stream().filter(x -> x.name().equals(ref)).findFirst()
                .orElseThrow(() -> SandtableException.notFound("sandbox", ref));
    }

    private Snapshot snapshotByRef(String ref) {
        Snapshot s = snapshots.get(ref);
        if (s != null) return s;
        return snapshots.values().stream().filter(x -> x.name().equals(ref)).findFirst()
                .orElseThrow(() -> SandtableException.notFound("snapshot", ref));
    }

    private Pool pool(String name) {
        Pool p = pools.get(name);
        if (p == null) throw SandtableException.notFound("pool", name);
        return p;
    }

    private static void checkName(String what, String name) {
        String problem = Names.problem(what, name);
        if (problem != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, problem);
    }

    private static void checkSize(int minIdle, int maxSize, int inUse) {
        if (minIdle < 0 || maxSize < 1 || minIdle > maxSize)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "pool sizes must satisfy 0 <= min idle <= max size and max size >= 1 (got min idle "
                    + minIdle + ", max size " + maxSize + ")");
        if (maxSize < inUse)
            throw new SandtableException(ErrorCode.INVALID_STATE, "cannot shrink the pool to " + maxSize + ": " + inUse
                    + " members are in use; release some first");
    }
}
