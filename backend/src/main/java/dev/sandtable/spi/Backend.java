package dev.sandtable.spi;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The one interface every backend implements: the embedded local runtime, Docker, Kubernetes, E2B-compatible platforms.
 *
 * <p>Every operation is asynchronous and never blocks the caller; failures complete the future exceptionally with a
 * {@link SandtableException} whose message is fit to show a user. An operation the backend lacks is reported by
 * {@link #capabilities()} and fails with {@link ErrorCode#UNSUPPORTED}.
 *
 * <p>Sandbox and snapshot arguments accept the id or the name.
 */
public interface Backend extends AutoCloseable {

    BackendInfo info();

    Capabilities capabilities();

    /**
     * Subscribes to the live view, as an informer gives it: first one {@link BackendEvent.Synced} with the whole
     * inventory, then change events in order. After a reconnect the backend sends a new {@code Synced}.
     * Events arrive on a backend thread; the listener must not block.
     */
    Subscription watch(Consumer<BackendEvent> listener);

    CompletableFuture<Sandbox> create(CreateSandboxRequest request);

    CompletableFuture<Sandbox> pause(String sandbox);

    CompletableFuture<Sandbox> resume(String sandbox);

    CompletableFuture<Void> destroy(String sandbox);

    /** Ends the sandbox's processes but keeps it, to be started again by {@link #resume}; see {@link Operation#STOP}. */
    default CompletableFuture<Sandbox> stop(String sandbox) {
        return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNSUPPORTED,
                capabilities().whyNot(Operation.STOP).orElse(Capabilities.NO_STOPPED_STATE)));
    }

    CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName);

    /** Creates a new sandbox from a snapshot; may be called any number of times for one snapshot. */
    CompletableFuture<Sandbox> restore(String snapshot, String sandboxName);

    CompletableFuture<Void> deleteSnapshot(String snapshot);

    CompletableFuture<Pool> createPool(PoolSpec spec);

    CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize);

    CompletableFuture<Void> deletePool(String pool);

    /** Gets an idle, running member or creates one; the handle must be released. */
    CompletableFuture<Claim> claim(String pool);

    CompletableFuture<Void> release(String claimId, ReleaseMode mode);

    /** Makes a template from a snapshot: new sandboxes and pools can then start from its file tree. */
    default CompletableFuture<Template> createTemplate(String snapshot, String templateName) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info().displayName(), "templates made from snapshots"));
    }

    default CompletableFuture<Void> deleteTemplate(String template) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info().displayName(), "deleting templates"));
    }

    /** Sets how long the sandbox may live from now on (platforms with sandbox timeouts, such as E2B). */
    default CompletableFuture<Void> setTimeout(String sandbox, java.time.Duration timeout) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info().displayName(), "sandbox timeouts"));
    }

    /** Opens a PTY session in a running sandbox; the future completes once the program has started. */
    default CompletableFuture<TerminalSession> openTerminal(String sandbox, TerminalRequest request) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info().displayName(), "terminals"));
    }

    /** Watches a directory in a sandbox; the future completes once the watch is live (or fails). */
    default CompletableFuture<DirectoryWatch> watchDir(String sandbox, WatchRequest request, WatchListener listener) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info().displayName(), "directory watches"));
    }

    /**
     * The end of a sandbox's log as text: at most {@code maxBytes} bytes, cut at a line start when cut at all.
     * What the log holds is the backend's choice (the local runtime: its init's output).
     */
    default CompletableFuture<String> logs(String sandbox, int maxBytes) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info().displayName(), "sandbox logs"));
    }

    /** Tries to reach the backend again now, when its live view says it is disconnected (the window's Retry). */
    default void reconnect() {
    }

    @Override
    void close();
}
