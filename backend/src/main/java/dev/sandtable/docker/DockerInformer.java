package dev.sandtable.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Image;
import dev.sandtable.model.Inventory;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Pool;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.LifecycleHistory;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live view of one engine, as an informer: subscribe to {@code /events} first (buffering), list containers and
 * images, publish {@code Synced}, then apply the buffered and following events, each by listing the one container
 * (or the images) again, so nothing between the list and the stream is lost. When the stream ends or fails (the
 * engine stopped or restarted), it reports RECONNECTING with the reason, retries with backoff (250 ms doubling to
 * 5 s), negotiates the connection again and relists, so the tables are consistent again.
 *
 * <p>Events are published under one lock, in order, to every subscriber; subscribers must not block.
 */
final class DockerInformer implements AutoCloseable {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** When the list after a relist is checked against the live state (see {@link #check()}), then how often. */
    static final Duration SETTLE = Duration.ofMillis(500);
    static final Duration RESYNC = Duration.ofSeconds(60);
    /** Container actions that do not change what a table shows. */
    private static final Set<String> IGNORED = Set.of("attach", "detach", "resize", "top", "export", "archive-path",
            "extract-to-dir", "copy", "exec_create", "exec_start", "exec_die", "exec_detach");

    private final DockerEngine engine;
    private final Supplier<List<Pool>> pools;
    private final Clock clock;
    private final Object lock = new Object();
    private final List<Consumer<BackendEvent>> listeners = new CopyOnWriteArrayList<>();
    private final LifecycleHistory history = new LifecycleHistory();
    private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, Template> templates = new LinkedHashMap<>();
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<String, Pool> lastPools = new HashMap<>();
    private volatile boolean closed;
    private volatile Thread thread;
    private volatile Closeable stream;
    private boolean synced;
    private ConnectionState state = ConnectionState.CONNECTING;
    private String stateMessage;
    private volatile long relists;
    /** Whether the last connection got as far as a full list (then the next retry starts from the first backoff). */
    private volatile boolean lastRunSynced;

    DockerInformer(DockerEngine engine, Supplier<List<Pool>> pools, Clock clock) {
        this.engine = engine;
        this.pools = pools;
        this.clock = clock;
    }

    void start() {
        thread = Thread.ofVirtual().name("docker-informer").start(this::run);
    }

    Subscription subscribe(Consumer<BackendEvent> listener) {
        synchronized (lock) {
            if (synced) listener.accept(new BackendEvent.Synced(inventoryLocked(), history.snapshot()));
            listener.accept(new BackendEvent.Connection(state, stateMessage));
            listeners.add(listener);
        }
        return () -> listeners.remove(listener);
    }

    /** The last known sandboxes (for name resolution). */
    List<Sandbox> sandboxes() {
        synchronized (lock) {
            return List.copyOf(sandboxes.values());
        }
    }

    List<Snapshot> snapshots() {
        synchronized (lock) {
            return List.copyOf(snapshots.values());
        }
    }

    List<Template> templates() {
        synchronized (lock) {
            return List.copyOf(templates.values());
        }
    }

    ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** How many full lists were made (the first one included). */
    long relists() {
        return relists;
    }

    // ---- the loop

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        boolean everConnected = false;
        while (!closed) {
            String why;
            try {
                runOnce();
                why = "the Docker engine's event stream ended";
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                why = engine.map(e, "watching " + engine.host().uri()).getMessage();
            }
            if (closed) return;
            engine.reset();
            synchronized (lock) {
                everConnected |= synced;
                connection(everConnected ? ConnectionState.RECONNECTING : ConnectionState.DISCONNECTED,
                        why + "; retrying in " + backoff.toMillis() + " ms");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = lastRunSynced ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    /** One connection: subscribe, list, apply events until the stream ends; returns normally when it ended. */
    private void runOnce() throws InterruptedException {
        lastRunSynced = false;
        var client = engine.client();
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Object end = new Object();
        Object[] failure = {null};
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        ResultCallback.Adapter<Event> cb = new ResultCallback.Adapter<>() {
            @Override
            public void onStart(Closeable c) {
                super.onStart(c);
                stream = c;
                started.countDown();
            }

            @Override
            public void onNext(Event e) {
                queue.add(e);
            }

            @Override
            public void onError(Throwable t) {
                failure[0] = t;
                queue.add(end);
                started.countDown();
            }

            @Override
            public void onComplete() {
                queue.add(end);
                started.countDown();
            }
        };
        client.eventsCmd().withEventTypeFilter(EventType.CONTAINER, EventType.IMAGE).exec(cb);
        try {
            if (!started.await(15, TimeUnit.SECONDS)) throw new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE,
                    "the Docker engine at " + engine.host().uri() + " did not open its event stream within 15 s");
            if (failure[0] != null) throw asRuntime(failure[0]);
            relist();
            lastRunSynced = true;
            long nextCheck = System.nanoTime() + SETTLE.toNanos();
            boolean settled = false;
            while (!closed) {
                Object o = queue.poll(Math.max(1, nextCheck - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (o == null) {
                    check();
                    nextCheck = System.nanoTime() + (settled ? RESYNC.toNanos() : SETTLE.toNanos());
                    settled = true;
                    continue;
                }
                if (o == end) {
                    if (failure[0] != null && !closed) throw asRuntime(failure[0]);
                    return;
                }
                apply((Event) o);
            }
        } finally {
            try {
                cb.close();
            } catch (java.io.IOException ignored) {
                // the stream is gone already
            }
        }
    }

    private static RuntimeException asRuntime(Object t) {
        return t instanceof RuntimeException r ? r : new RuntimeException((Throwable) t);
    }

    /**
     * Lists the containers again and inspects those whose list entry disagrees with the table. The engine's list is
     * a replica updated just after the event of a change is sent, so a list made right then can be a step behind;
     * an event that came before the subscription would never correct it. Run shortly after every relist, then as
     * a periodic resync.
     */
    private void check() {
        List<Container> containers;
        try {
            containers = engine.client().listContainersCmd().withShowAll(true).exec();
        } catch (RuntimeException e) {
            return; // the stream fails as well, and its relist repairs everything
        }
        Instant now = clock.instant();
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> differ = new ArrayList<>();
        synchronized (lock) {
            for (Container c : containers) {
                String id = DockerMapping.shortId(c.getId());
                seen.add(id);
                Sandbox known = sandboxes.get(id);
                Sandbox listed = DockerMapping.sandbox(c, now, known);
                if (known == null || known.state() != listed.state()) differ.add(c.getId());
            }
            for (String id : sandboxes.keySet()) if (!seen.contains(id)) differ.add(id);
        }
        for (String id : differ) refreshContainer(id);
    }

    /** Lists everything and replaces what subscribers know with one Synced. */
    void relist() {
        var client = engine.client();
        List<Container> containers = client.listContainersCmd().withShowAll(true).exec();
        List<Image> images = client.listImagesCmd().exec();
        Instant now = clock.instant();
        synchronized (lock) {
            Map<String, Sandbox> next = new LinkedHashMap<>();
            for (Container c : containers) {
                String id = DockerMapping.shortId(c.getId());
                Sandbox before = sandboxes.get(id);
                Sandbox s = DockerMapping.sandbox(c, now, before);
                next.put(id, s);
                if (synced) lifecycle(before, s, now);
            }
            if (synced) for (Sandbox gone : sandboxes.values())
                if (!next.containsKey(gone.id())) lifecycle(gone, null, now);
            sandboxes.clear();
            sandboxes.putAll(next);
            replaceImages(images);
            lastPools.clear();
            for (Pool p : pools.get()) lastPools.put(p.name(), p);
            synced = true;
            relists++;
            publish(new BackendEvent.Synced(inventoryLocked(), history.snapshot()));
            connection(ConnectionState.CONNECTED, null);
        }
    }

    private void replaceImages(List<Image> images) {
        templates.clear();
        snapshots.clear();
        for (Image i : images) {
            if (DockerMapping.isSnapshot(i)) {
                Snapshot s = DockerMapping.snapshot(i);
                snapshots.put(s.id(), s);
            } else {
                for (Template t : DockerMapping.templates(i)) templates.put(t.id(), t);
            }
        }
    }

    private void apply(Event e) {
        if (e.getType() == EventType.IMAGE || "commit".equals(e.getAction())) {
            refreshImages();
            if (e.getType() == EventType.IMAGE) return;
        }
        String action = e.getAction() == null ? e.getStatus() : e.getAction();
        if (action == null || IGNORED.contains(action) || action.startsWith("exec_")) return;
        String id = e.getId() != null ? e.getId() : e.getActor() == null ? null : e.getActor().getId();
        if (id == null) return;
        if ("destroy".equals(action)) {
            removed(DockerMapping.shortId(id));
        } else {
            refreshContainer(id);
        }
    }

    /** Inspects one container again and publishes what changed (its removal if it is gone). */
    void refreshContainer(String id) {
        com.github.dockerjava.api.command.InspectContainerResponse c;
        String key = DockerMapping.shortId(id);
        try {
            c = engine.client().inspectContainerCmd(id).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            removed(key);
            return;
        } catch (RuntimeException e) {
            return; // the engine is going away: the stream fails too, and the relist after it repairs the table
        }
        Instant now = clock.instant();
        synchronized (lock) {
            if (!synced) return;
            Sandbox before = sandboxes.get(key);
            Sandbox s = DockerMapping.sandbox(c, now, before);
            if (s.equals(before)) return;
            sandboxes.put(key, s);
            publish(new BackendEvent.Upserted(s));
            lifecycle(before, s, now);
        }
    }

    private void removed(String key) {
        synchronized (lock) {
            Sandbox before = sandboxes.remove(key);
            if (before == null || !synced) return;
            publish(new BackendEvent.Removed(ResourceKind.SANDBOX, key));
            lifecycle(before, null, clock.instant());
        }
    }

    /** Lists the images again and publishes the templates and snapshots that appeared, changed or went. */
    void refreshImages() {
        List<Image> images;
        try {
            images = engine.client().listImagesCmd().exec();
        } catch (RuntimeException e) {
            return;
        }
        synchronized (lock) {
            if (!synced) return;
            Map<String, Template> oldT = new LinkedHashMap<>(templates);
            Map<String, Snapshot> oldS = new LinkedHashMap<>(snapshots);
            replaceImages(images);
            Instant now = clock.instant();
            for (Template t : templates.values()) if (!t.equals(oldT.get(t.id()))) publish(new BackendEvent.Upserted(t));
            for (String k : oldT.keySet()) if (!templates.containsKey(k)) publish(new BackendEvent.Removed(ResourceKind.TEMPLATE, k));
            for (Snapshot s : snapshots.values()) {
                if (s.equals(oldS.get(s.id()))) continue;
                publish(new BackendEvent.Upserted(s));
                if (!oldS.containsKey(s.id())) resourceEvent(ResourceKind.SNAPSHOT, s.id(), s.name(), "created",
                        "of " + Objects.requireNonNullElse(s.sourceSandboxName(), "?"), now);
            }
            for (Snapshot s : oldS.values()) {
                if (snapshots.containsKey(s.id())) continue;
                publish(new BackendEvent.Removed(ResourceKind.SNAPSHOT, s.id()));
                resourceEvent(ResourceKind.SNAPSHOT, s.id(), s.name(), "deleted", null, now);
            }
        }
    }

    /** A pool changed (warm pools call this); published in order with everything else. */
    void poolChanged(Pool p, boolean removed, String action, String detail) {
        synchronized (lock) {
            if (removed) {
                lastPools.remove(p.name());
                if (synced) publish(new BackendEvent.Removed(ResourceKind.POOL, p.name()));
            } else {
                lastPools.put(p.name(), p);
                if (synced) publish(new BackendEvent.Upserted(p));
            }
            if (action != null && synced) resourceEvent(ResourceKind.POOL, p.name(), p.name(), action, detail, clock.instant());
        }
    }

    private void lifecycle(Sandbox before, Sandbox after, Instant at) {
        SandboxState from = before == null ? null : before.state();
        SandboxState to = after == null ? SandboxState.TERMINATED : after.state();
        if (before != null && after != null && from == to) return;
        String action;
        if (after == null) action = "destroyed";
        else action = switch (to) {
            case PENDING -> "created";
            case RUNNING -> from == SandboxState.PAUSED ? "resumed" : "started";
            case PAUSED -> "paused";
            case SUSPENDED, TERMINATED -> "stopped";
            case FAILED -> "failed";
            case STOPPING -> "stopping";
            case STARTING -> "restarting";
            default -> to.name().toLowerCase(java.util.Locale.ROOT);
        };
        Sandbox s = after != null ? after : before;
        LifecycleEvent ev = new LifecycleEvent(at, ResourceKind.SANDBOX, s.id(), s.name(), from, after == null ? null : to, action,
                after == null ? null : after.stateReason());
        publish(new BackendEvent.Lifecycle(ev));
    }

    private void resourceEvent(ResourceKind kind, String key, String name, String action, String detail, Instant at) {
        publish(new BackendEvent.Lifecycle(new LifecycleEvent(at, kind, key, name, null, null, action, detail)));
    }

    private void connection(ConnectionState s, String message) {
        if (s == state && Objects.equals(message, stateMessage)) return;
        state = s;
        stateMessage = message;
        publish(new BackendEvent.Connection(s, message));
    }

    private void publish(BackendEvent e) {
        history.record(e);
        for (Consumer<BackendEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ignored) {
                // one broken listener must not stop the others
            }
        }
    }

    private Inventory inventoryLocked() {
        return new Inventory(new ArrayList<>(sandboxes.values()), new ArrayList<>(lastPools.values()),
                new ArrayList<>(snapshots.values()), new ArrayList<>(templates.values()));
    }

    /** What is known now (after the first list), for callers that want one answer rather than a stream. */
    Inventory inventory() {
        synchronized (lock) {
            return inventoryLocked();
        }
    }

    boolean synced() {
        synchronized (lock) {
            return synced;
        }
    }

    @Override
    public void close() {
        closed = true;
        Closeable s = stream;
        if (s != null) try {
            s.close();
        } catch (java.io.IOException ignored) {
            // closing anyway
        }
        Thread t = thread;
        if (t != null) t.interrupt();
        synchronized (lock) {
            connection(ConnectionState.DISCONNECTED, null);
        }
        listeners.clear();
    }
}
