package dev.sandtable.kubernetes;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.Subscription;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The live view of one context: informer notifications become model events, in order, on one thread. A notification
 * only says which object changed; the row is then built from the informer's cache, so a late notification never
 * shows an older object than the cache holds, and a full {@code Synced} is always the caches themselves.
 */
final class KubeLiveView {
    private static final int HISTORY = 200;

    private final KubeCaches caches;
    private final Clock clock;
    private final ExecutorService events;
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    /** Touched on the events thread only. */
    private final Map<String, SandboxState> lastStates = new HashMap<>();
    private final Map<String, AgentClaim> lastClaims = new HashMap<>();
    private final Deque<LifecycleEvent> history = new ArrayDeque<>();
    private final List<Consumer<Changed>> changeHooks = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile String message;
    private volatile boolean live;
    private final List<Runnable> pendingLive = new ArrayList<>();

    /** What changed, for claim waiters. */
    record Changed(AgentKind kind, String name) {
    }

    KubeLiveView(KubeCaches caches, Clock clock, String threadName) {
        this.caches = caches;
        this.clock = clock;
        this.events = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name(threadName).unstarted(r));
    }

    ConnectionState state() {
        return state;
    }

    String message() {
        return message;
    }

    void execute(Runnable r) {
        if (!events.isShutdown()) {
            try {
                events.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    void onChange(Consumer<Changed> hook) {
        changeHooks.add(hook);
    }

    Subscription subscribe(Consumer<BackendEvent> listener) {
        Sub s = new Sub(listener);
        subs.add(s);
        execute(() -> {
            if (s.closed) return;
            if (live) {
                s.deliver(new BackendEvent.Synced(caches.inventory(), List.copyOf(history)));
                s.synced = true;
                if (message != null) s.deliver(new BackendEvent.Connection(state, message));
            } else {
                s.deliver(new BackendEvent.Connection(state, message));
            }
        });
        return () -> {
            s.closed = true;
            subs.remove(s);
        };
    }

    /** The connection changed; {@code live} says whether the caches are synced and events flow. */
    void connection(ConnectionState newState, String why, boolean nowLive) {
        execute(() -> {
            boolean resync = nowLive && (!live || state != ConnectionState.CONNECTED);
            state = newState;
            message = why;
            if (resync) {
                live = true;
                Inventory inv = caches.inventory();
                lastStates.clear();
                for (Sandbox s : inv.sandboxes()) lastStates.put(s.key(), s.state());
                lastClaims.clear();
                for (GenericKubernetesResource c : caches.list(AgentKind.CLAIM)) lastClaims.put(c.getMetadata().getName(), AgentClaim.of(c));
                BackendEvent.Synced synced = new BackendEvent.Synced(inv, List.copyOf(history));
                for (Sub s : subs) {
                    s.deliver(synced);
                    s.synced = true;
                }
                if (why != null) for (Sub s : subs) s.deliver(new BackendEvent.Connection(newState, why));
                for (Runnable r : pendingLive) r.run();
                pendingLive.clear();
            } else {
                live = nowLive;
                for (Sub s : subs) s.deliver(new BackendEvent.Connection(newState, why));
            }
        });
    }

    /** Runs {@code r} on the events thread once the view is next (or already) live. */
    void onceLive(Runnable r) {
        execute(() -> {
            if (live && state == ConnectionState.CONNECTED) r.run();
            else pendingLive.add(r);
        });
    }

    void close() {
        events.shutdownNow();
        subs.clear();
    }

    // ---- informer notifications

    <T extends HasMetadata> ResourceEventHandler<T> handler(AgentKind kind) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed(kind, obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(kind, newObj.getMetadata().getName());
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(kind, obj.getMetadata().getName());
            }
        };
    }

    /** {@code kind == null} means a pod. */
    private void changed(AgentKind kind, String name) {
        execute(() -> {
            if (!live) return;
            apply(kind, name);
            for (Consumer<Changed> h : changeHooks) h.accept(new Changed(kind, name));
        });
    }

    /** Rebuilds one row from the caches (on the live view's thread only). */
    void refresh(AgentKind kind, String name) {
        if (live) apply(kind, name);
    }

    private void apply(AgentKind kind, String name) {
        if (kind == null) {
            Pod p = caches.pod(name);
            String key = KubeMapping.POD_PREFIX + name;
            if (p == null || caches.hidden(p)) removeSandbox(key, name);
            else upsertSandbox(KubeMapping.pod(p));
            return;
        }
        switch (kind) {
            case SANDBOX -> {
                GenericKubernetesResource g = caches.get(AgentKind.SANDBOX, name);
                if (g == null) removeSandbox(name, name);
                else upsertSandbox(caches.sandboxModel(g));
            }
            case TEMPLATE -> {
                GenericKubernetesResource g = caches.get(AgentKind.TEMPLATE, name);
                if (g == null) emit(new BackendEvent.Removed(ResourceKind.TEMPLATE, name));
                else emit(new BackendEvent.Upserted(KubeMapping.template(AgentTemplate.of(g))));
            }
            case WARM_POOL -> pool(name);
            case BATCH_SANDBOX -> {
                GenericKubernetesResource g = caches.get(AgentKind.BATCH_SANDBOX, name);
                if (g == null) removeSandbox(OpenSandboxCrds.BATCH_PREFIX + name, name);
                else upsertSandbox(OpenSandboxCrds.batchSandbox(g));
            }
            case OPENSANDBOX_POOL -> {
                GenericKubernetesResource g = caches.get(AgentKind.OPENSANDBOX_POOL, name);
                if (g == null) emit(new BackendEvent.Removed(ResourceKind.POOL, name));
                else emit(new BackendEvent.Upserted(OpenSandboxCrds.pool(g)));
            }
            case SANDBOX_SNAPSHOT -> {
                GenericKubernetesResource g = caches.get(AgentKind.SANDBOX_SNAPSHOT, name);
                if (g == null) emit(new BackendEvent.Removed(ResourceKind.SNAPSHOT, name));
                else emit(new BackendEvent.Upserted(OpenSandboxCrds.snapshot(g)));
            }
            case CLAIM -> {
                AgentClaim now = caches.claim(name);
                AgentClaim before = now == null ? lastClaims.remove(name) : lastClaims.put(name, now);
                Set<String> sandboxes = new HashSet<>();
                Set<String> pools = new HashSet<>();
                for (AgentClaim c : new AgentClaim[]{before, now}) {
                    if (c == null) continue;
                    if (c.sandbox() != null) sandboxes.add(c.sandbox());
                    if (c.pool() != null) pools.add(c.pool());
                }
                for (String s : sandboxes) apply(AgentKind.SANDBOX, s);
                for (String p : pools) pool(p);
                if (before == null && now != null) lifecycle(ResourceKind.POOL, now.pool() == null ? name : now.pool(), now.pool() == null ? name : now.pool(),
                        null, null, "claimed", "SandboxClaim " + name);
            }
        }
    }

    private void pool(String name) {
        GenericKubernetesResource g = caches.get(AgentKind.WARM_POOL, name);
        if (g == null) emit(new BackendEvent.Removed(ResourceKind.POOL, name));
        else emit(new BackendEvent.Upserted(caches.poolModel(g)));
    }

    private void upsertSandbox(Sandbox s) {
        SandboxState before = lastStates.put(s.key(), s.state());
        emit(new BackendEvent.Upserted(s));
        if (before == null) lifecycle(ResourceKind.SANDBOX, s.key(), s.name(), null, s.state(), "created", s.rawState());
        else if (before != s.state()) lifecycle(ResourceKind.SANDBOX, s.key(), s.name(), before, s.state(),
                s.state().name().toLowerCase(java.util.Locale.ROOT), s.stateReason());
    }

    private void removeSandbox(String key, String name) {
        SandboxState before = lastStates.remove(key);
        emit(new BackendEvent.Removed(ResourceKind.SANDBOX, key));
        if (before != null) lifecycle(ResourceKind.SANDBOX, key, name, before, SandboxState.TERMINATED, "deleted", null);
    }

    private void lifecycle(ResourceKind kind, String key, String name, SandboxState from, SandboxState to, String action, String detail) {
        LifecycleEvent e = new LifecycleEvent(clock.instant(), kind, key, name, from, to, action, detail);
        history.addLast(e);
        while (history.size() > HISTORY) history.removeFirst();
        emit(new BackendEvent.Lifecycle(e));
    }

    private void emit(BackendEvent e) {
        for (Sub s : subs) if (s.synced) s.deliver(e);
    }

    List<LifecycleEvent> history() {
        return new ArrayList<>(history);
    }

    private static final class Sub {
        final Consumer<BackendEvent> listener;
        volatile boolean synced;
        volatile boolean closed;

        Sub(Consumer<BackendEvent> listener) {
            this.listener = listener;
        }

        void deliver(BackendEvent e) {
            if (closed) return;
            try {
                listener.accept(e);
            } catch (RuntimeException ignored) {
                // a listener's failure must not stop the others
            }
        }
    }
}
