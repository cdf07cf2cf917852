package dev.sandtable.local;

import dev.sandtable.spi.SandtableException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time per key, in the order they were submitted, on a shared executor: every operation on one
 * sandbox is serialized while different sandboxes proceed in parallel.
 */
final class SerialQueues {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor executor;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();

    /**
     * A task submitted after the executor shut down (the runtime is closing) still runs, on a fresh virtual thread: it
     * then finds the runtime closed and fails, so that nobody waits forever for its result.
     */
    SerialQueues(Executor executor) {
        this.executor = task -> {
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                Thread.ofVirtual().name("sandtable-late-task").start(task);
            }
        };
    }

    <T> CompletableFuture<T> submit(String key, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (tails) {
            CompletableFuture<Void> next = tails.getOrDefault(key, DONE).thenRunAsync(() -> {
                try {
                    result.complete(task.call());
                } catch (Throwable t) {
                    result.completeExceptionally(SandtableException.of(t));
                }
            }, executor);
            tails.put(key, next);
            next.whenComplete((v, e) -> {
                synchronized (tails) {
                    tails.remove(key, next);
                }
            });
        }
        return result;
    }
}
