package dev.sandtable.kubernetes;

import dev.sandtable.spi.BackendEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Collects a live view's events; waits for one that matches. */
final class Events implements Consumer<BackendEvent> {
    final List<BackendEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void accept(BackendEvent e) {
        synchronized (this) {
            all.add(e);
            notifyAll();
        }
    }

    @SuppressWarnings("unchecked")
    <T extends BackendEvent> T await(Class<T> type, Predicate<T> match, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        int from = 0;
        synchronized (this) {
            while (true) {
                for (; from < all.size(); from++) {
                    BackendEvent e = all.get(from);
                    if (type.isInstance(e) && match.test((T) e)) return (T) e;
                }
                long left = end - System.nanoTime();
                if (left <= 0) throw new AssertionError("no matching " + type.getSimpleName() + " within " + timeout + "; got " + all);
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    <T extends BackendEvent> T await(Class<T> type, Predicate<T> match) {
        return await(type, match, Duration.ofSeconds(20));
    }

    /** Events after the last Synced. */
    List<BackendEvent> sinceSync() {
        List<BackendEvent> out = new ArrayList<>();
        for (BackendEvent e : all) {
            if (e instanceof BackendEvent.Synced) out.clear();
            out.add(e);
        }
        return out;
    }
}
