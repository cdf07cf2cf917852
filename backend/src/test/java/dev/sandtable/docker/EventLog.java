package dev.sandtable.docker;

import dev.sandtable.spi.BackendEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Records a live view's events; tests wait for one that matches. */
final class EventLog implements Consumer<BackendEvent> {
    private final List<BackendEvent> events = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();

    @Override
    public synchronized void accept(BackendEvent e) {
        events.add(e);
        arrivals.add(System.nanoTime());
        notifyAll();
    }

    synchronized List<BackendEvent> all() {
        return List.copyOf(events);
    }

    /** The first event at or after index {@code from} that matches, waiting up to {@code timeout}; fails otherwise. */
    synchronized BackendEvent await(int from, Predicate<BackendEvent> p, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        while (true) {
            for (; i < events.size(); i++) if (p.test(events.get(i))) return events.get(i);
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("no event: " + what + " within " + timeout + "; got " + events.subList(from, events.size()));
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    BackendEvent await(Predicate<BackendEvent> p, String what) {
        return await(0, p, Duration.ofSeconds(30), what);
    }

    /** Arrival time (System.nanoTime) of the first matching event at or after {@code from}. */
    synchronized long arrivalOf(int from, Predicate<BackendEvent> p, Duration timeout, String what) {
        BackendEvent e = await(from, p, timeout, what);
        return arrivals.get(events.indexOf(e));
    }

    synchronized int size() {
        return events.size();
    }

    static void eventually(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not true within " + timeout + ": " + what);
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
