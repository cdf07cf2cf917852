package dev.sandtable.e2b;

import dev.sandtable.model.Inventory;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The live view of a platform without a watch (E2B, OpenSandbox): lists every interval (or at once after an
 * operation), sends Synced for the first list and after every outage, and the diff in between
 * ({@link SandboxListDiff}). A failed list reports the connection as reconnecting, with the reason.
 */
public final class E2bPoller implements Subscription {
    private final Supplier<CompletableFuture<Inventory>> lister;
    private final String threadName;
    private final Consumer<BackendEvent> listener;
    private final Duration interval;
    private final Clock clock;
    private final Consumer<E2bPoller> onClose;
    private volatile boolean closed;
    private volatile Thread thread;
    private Inventory previous;
    private boolean healthy;

    /**
     * @param lister     one full list of the platform (sandboxes, pools, snapshots, templates)
     * @param threadName the polling thread's name
     * @param onClose    called once when the subscription is closed
     */
    public E2bPoller(Supplier<CompletableFuture<Inventory>> lister, String threadName, Consumer<BackendEvent> listener,
                     Duration interval, Clock clock, Consumer<E2bPoller> onClose) {
        this.lister = lister;
        this.threadName = threadName;
        this.listener = listener;
        this.interval = interval;
        this.clock = clock;
        this.onClose = onClose;
    }

    public void start() {
        thread = Thread.ofVirtual().name(threadName).start(this::run);
    }

    /** Lists now instead of at the next interval (after an operation). */
    public void pollNow() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private void run() {
        listener.accept(new BackendEvent.Connection(ConnectionState.CONNECTING, null));
        int failures = 0;
        while (!closed) {
            failures = pollOnce() ? 0 : failures + 1;
            // after failures, wait longer (up to 30 s) so a platform that is down or refuses the key is not hammered
            long wait = failures == 0 ? interval.toNanos()
                    : Math.min(Math.max(interval.toNanos(), TimeUnit.SECONDS.toNanos(30)), interval.toNanos() << Math.min(failures, 6));
            LockSupport.parkNanos(wait);
        }
    }

    /** Returns false when the list failed. */
    private boolean pollOnce() {
        Inventory inv;
        try {
            inv = lister.get().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            if (closed) return false;
            SandtableException se = SandtableException.of(e);
            if (healthy || previous == null) listener.accept(new BackendEvent.Connection(
                    previous == null ? ConnectionState.DISCONNECTED : ConnectionState.RECONNECTING, se.getMessage()));
            healthy = false;
            return false;
        }
        if (closed) return true;
        if (!healthy) {
            listener.accept(new BackendEvent.Synced(inv));
            listener.accept(new BackendEvent.Connection(ConnectionState.CONNECTED, null));
            healthy = true;
        } else {
            for (BackendEvent e : SandboxListDiff.between(previous, inv, clock.instant())) listener.accept(e);
        }
        previous = inv;
        return true;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pollNow();
        onClose.accept(this);
    }
}
