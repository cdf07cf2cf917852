package dev.sandtable.latency;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A run in progress: its report when done (never failed: a failed run is a report with {@code failure} set), and cancel. */
public final class ProbeRun {
    private final CompletableFuture<ProbeReport> report = new CompletableFuture<>();
    private volatile Runnable onCancel = () -> {
    };
    private volatile boolean cancelled;

    CompletableFuture<ProbeReport> future() {
        return report;
    }

    void onCancel(Runnable r) {
        onCancel = r;
    }

    /** Completes with the report, also after a failure or cancel. */
    public CompletableFuture<ProbeReport> report() {
        return report.copy();
    }

    /** Stops after the trial in flight (which is ended at once); the report keeps what was measured. */
    public void cancel() {
        cancelled = true;
        onCancel.run();
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Waits for the report; cancels the run if it takes longer than {@code seconds}. */
    public ProbeReport await(long seconds) throws InterruptedException {
        try {
            return report.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            cancel();
            try {
                return report.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                throw new IllegalStateException("the probe run did not stop after cancel", ex);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
