package dev.sandtable.app;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A backend that is still being reached (the per-user service may need a second or two to start). The window opens
 * on it at once: its live view says {@link ConnectionState#CONNECTING} with what it is doing, then carries the real
 * backend's events once connected, or {@link ConnectionState#DISCONNECTED} with the reason when the connect fails.
 * Operations asked for meanwhile wait for the connection.
 */
public final class ConnectingBackend implements Backend {
    private final BackendInfo placeholder;
    private final String connectingMessage;
    private final CompletableFuture<Backend> target = new CompletableFuture<>();
    private volatile boolean closed;

    private ConnectingBackend(BackendInfo placeholder, String connectingMessage) {
        this.placeholder = placeholder;
        this.connectingMessage = connectingMessage;
    }

    /**
     * Starts {@code connect} on its own thread and returns at once.
     *
     * @param placeholder what the sidebar shows until connected; its id must be the real backend's id
     */
    public static ConnectingBackend start(BackendInfo placeholder, String connectingMessage, Supplier<? extends Backend> connect) {
        ConnectingBackend b = new ConnectingBackend(placeholder, connectingMessage);
        Thread.ofPlatform().daemon().name("sandtable-connect").start(() -> {
            try {
                b.connected(connect.get());
            } catch (RuntimeException | Error e) {
                b.target.completeExceptionally(e);
            }
        });
        return b;
    }

    private void connected(Backend real) {
        if (!target.complete(real) || closed) real.close();
    }

    /** Completes with the real backend (tests wait on it). */
    public CompletableFuture<Backend> target() {
        return target;
    }

    private Backend now() {
        return target.isDone() && !target.isCompletedExceptionally() ? target.join() : null;
    }

    @Override
    public BackendInfo info() {
        Backend b = now();
        return b == null ? placeholder : b.info();
    }

    @Override
    public Capabilities capabilities() {
        Backend b = now();
        return b == null ? Capabilities.all() : b.capabilities();
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        Subscription[] inner = {null};
        boolean[] ended = {false};
        if (!target.isDone()) listener.accept(new BackendEvent.Connection(ConnectionState.CONNECTING, connectingMessage));
        target.whenComplete((real, failure) -> {
            synchronized (inner) {
                if (ended[0]) return;
                if (failure != null) {
                    listener.accept(new BackendEvent.Connection(ConnectionState.DISCONNECTED, SandtableException.of(failure).getMessage()));
                } else {
                    inner[0] = real.watch(listener);
                }
            }
        });
        return () -> {
            synchronized (inner) {
                ended[0] = true;
                if (inner[0] != null) inner[0].close();
            }
        };
    }

    private <T> CompletableFuture<T> via(Function<Backend, CompletableFuture<T>> op) {
        return target.thenCompose(op);
    }

    @Override
    public void reconnect() {
        Backend b = now();
        if (b != null) b.reconnect();
    }

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        return via(b -> b.create(request));
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return via(b -> b.pause(sandbox));
    }

    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return via(b -> b.resume(sandbox));
    }

    @Override
    public CompletableFuture<Sandbox> stop(String sandbox) {
        return via(b -> b.stop(sandbox));
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        return via(b -> b.destroy(sandbox));
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return via(b -> b.snapshot(sandbox, snapshotName));
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return via(b -> b.restore(snapshot, sandboxName));
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return via(b -> b.deleteSnapshot(snapshot));
    }

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return via(b -> b.createPool(spec));
    }

    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        return via(b -> b.resizePool(pool, minIdle, maxSize));
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return via(b -> b.deletePool(pool));
    }

    @Override
    public CompletableFuture<Claim> claim(String pool) {
        return via(b -> b.claim(pool));
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return via(b -> b.release(claimId, mode));
    }

    @Override
    public CompletableFuture<Template> createTemplate(String snapshot, String templateName) {
        return via(b -> b.createTemplate(snapshot, templateName));
    }

    @Override
    public CompletableFuture<Void> deleteTemplate(String template) {
        return via(b -> b.deleteTemplate(template));
    }

    @Override
    public CompletableFuture<TerminalSession> openTerminal(String sandbox, TerminalRequest request) {
        return via(b -> b.openTerminal(sandbox, request));
    }

    @Override
    public CompletableFuture<DirectoryWatch> watchDir(String sandbox, WatchRequest request, WatchListener listener) {
        return via(b -> b.watchDir(sandbox, request, listener));
    }

    @Override
    public CompletableFuture<String> logs(String sandbox, int maxBytes) {
        return via(b -> b.logs(sandbox, maxBytes));
    }

    @Override
    public CompletableFuture<Void> setTimeout(String sandbox, java.time.Duration timeout) {
        return via(b -> b.setTimeout(sandbox, timeout));
    }

    @Override
    public void close() {
        closed = true;
        Backend b = now();
        if (b != null) b.close();
    }
}
