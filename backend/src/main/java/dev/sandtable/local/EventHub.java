package dev.sandtable.local;

import dev.sandtable.model.Inventory;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.LifecycleHistory;
import dev.sandtable.spi.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Delivers events to each subscriber in the order they were published, on a virtual thread per subscriber, so a slow
 * listener delays nobody else and a listener may call back into the runtime. The runtime publishes while holding its
 * state lock, which makes the order of events the order of state changes; a new subscriber's Synced is queued under the
 * same lock, so it sees every change after its inventory and none before.
 */
final class EventHub {
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final LifecycleHistory history = new LifecycleHistory();

    /** Call with the runtime's state lock held. */
    Subscription subscribe(Consumer<BackendEvent> listener, Inventory inventory) {
        Sub sub = new Sub(listener);
        sub.queue.add(new BackendEvent.Synced(inventory, history.snapshot()));
        subs.add(sub);
        sub.thread = Thread.ofVirtual().name("sandtable-events").start(sub::drain);
        return () -> {
            subs.remove(sub);
            sub.cancel();
        };
    }

    /** Call with the runtime's state lock held. */
    void publish(BackendEvent event) {
        history.record(event);
        for (Sub s : subs) s.queue.add(event);
    }

    /** Delivers what is queued, then ends every subscription. */
    void close() {
        for (Sub s : subs) s.finish();
        subs.clear();
    }

    private static final class Sub {
        private static final BackendEvent STOP = new BackendEvent.Connection(null, "stop");
        final LinkedBlockingQueue<BackendEvent> queue = new LinkedBlockingQueue<>();
        final Consumer<BackendEvent> listener;
        volatile Thread thread;
        volatile boolean stopped;

        Sub(Consumer<BackendEvent> listener) {
            this.listener = listener;
        }

        /** Ends at once; queued events are dropped. */
        void cancel() {
            stopped = true;
            queue.add(STOP);
        }

        /** Ends after the queued events are delivered. */
        void finish() {
            queue.add(STOP);
        }

        void drain() {
            try {
                while (true) {
                    BackendEvent e = queue.take();
                    if (e == STOP || stopped) return;
                    try {
                        listener.accept(e);
                    } catch (RuntimeException ex) {
                        System.getLogger(EventHub.class.getName()).log(System.Logger.Level.WARNING,
                                "event listener failed: " + ex, ex);
                    }
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
