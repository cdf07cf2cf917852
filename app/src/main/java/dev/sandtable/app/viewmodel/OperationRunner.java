package dev.sandtable.app.viewmodel;

import dev.sandtable.spi.SandtableException;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs backend operations off the UI thread, lists them while they run ("Pausing web-1…"), and reports failures
 * with the backend's own message. Every callback runs on the {@code ui} executor.
 */
public final class OperationRunner {
    /** An operation under way. {@code rowId} is the row it works on, or null. */
    public record Running(long id, String description, String rowId) {
    }

    private final ObservableList<Running> running = FXCollections.observableArrayList();
    private final AtomicLong ids = new AtomicLong();
    private final Executor ui;
    private final Executor worker;
    private final Notifier notifier;
    private final LiveInventory inventory;

    public OperationRunner(LiveInventory inventory, Notifier notifier, Executor ui, Executor worker) {
        this.inventory = inventory;
        this.notifier = notifier;
        this.ui = ui;
        this.worker = worker;
    }

    public ObservableList<Running> running() {
        return running;
    }

    public boolean isBusy(String rowId) {
        if (rowId == null) return false;
        for (Running r : running) if (rowId.equals(r.rowId())) return true;
        return false;
    }

    /** What is running for this row, or null. */
    public String busyWith(String rowId) {
        for (Running r : running) if (rowId != null && rowId.equals(r.rowId())) return r.description();
        return null;
    }

    /**
     * @param backend     the backend it runs on (for the timeline)
     * @param rowId       the row it works on (disables its actions meanwhile), or null
     * @param subject     the resource's name, for messages
     * @param progress    "Pausing web-1" (shown while running)
     * @param failure     "Pause web-1" (the notification title is "… failed")
     * @param op          starts the operation; called on a worker thread
     * @param onSuccess   called on the UI thread with the result
     * @return completes (on the UI thread) after the result was handled; exceptionally on failure
     */
    public <T> CompletableFuture<T> run(BackendViewModel backend, String rowId, String subject, String progress, String failure,
                                        Supplier<CompletableFuture<T>> op, Consumer<T> onSuccess) {
        Running task = new Running(ids.incrementAndGet(), progress + "…", rowId);
        running.add(task);
        CompletableFuture<T> done = new CompletableFuture<>();
        CompletableFuture.supplyAsync(op, worker)
                .thenCompose(f -> f)
                .whenComplete((result, error) -> ui.execute(() -> {
                    running.remove(task);
                    if (error == null) {
                        try {
                            if (onSuccess != null) onSuccess.accept(result);
                        } finally {
                            done.complete(result);
                        }
                        return;
                    }
                    SandtableException se = SandtableException.of(error);
                    notifier.error(failure + " failed", se.getMessage());
                    inventory.recordFailure(backend, rowId, subject, failure, se.getMessage());
                    done.completeExceptionally(se);
                }));
        return done;
    }
}
