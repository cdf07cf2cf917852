package dev.sandtable.opensandbox;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** What a window would hold: the live view's events applied to maps, with waits for a condition. */
final class LiveView implements Consumer<BackendEvent> {
    final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    final Map<String, Pool> pools = new LinkedHashMap<>();
    final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    final List<BackendEvent> events = new ArrayList<>();
    ConnectionState connection;
    String connectionMessage;
    int syncs;

    @Override
    public synchronized void accept(BackendEvent e) {
        events.add(e);
        switch (e) {
            case BackendEvent.Synced s -> {
                syncs++;
                sandboxes.clear();
                pools.clear();
                snapshots.clear();
                s.inventory().sandboxes().forEach(this::put);
                s.inventory().pools().forEach(this::put);
                s.inventory().snapshots().forEach(this::put);
            }
            case BackendEvent.Upserted u -> put(u.resource());
            case BackendEvent.Removed r -> {
                if (r.kind() == ResourceKind.SANDBOX) sandboxes.remove(r.key());
                if (r.kind() == ResourceKind.POOL) pools.remove(r.key());
                if (r.kind() == ResourceKind.SNAPSHOT) snapshots.remove(r.key());
            }
            case BackendEvent.Connection c -> {
                connection = c.state();
                connectionMessage = c.message();
            }
            case BackendEvent.Lifecycle l -> {
            }
        }
        notifyAll();
    }

    private void put(Resource r) {
        switch (r) {
            case Sandbox s -> sandboxes.put(s.key(), s);
            case Pool p -> pools.put(p.key(), p);
            case Snapshot s -> snapshots.put(s.key(), s);
            default -> {
            }
        }
    }

    /** Waits (at most 30 s, generous for a loaded machine) until the condition holds; fails saying what was seen. */
    synchronized void await(String what, Predicate<LiveView> condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.test(this)) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("timed out waiting for " + what + "; sandboxes " + sandboxes.values()
                    + ", pools " + pools.values() + ", snapshots " + snapshots.values() + ", connection " + connection + " " + connectionMessage);
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized <T> T read(java.util.function.Function<LiveView, T> f) {
        return f.apply(this);
    }
}
