package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A backend whose events the test emits by hand and whose operations fail with a chosen message. */
final class ScriptedBackend implements Backend {
    private Consumer<BackendEvent> listener;
    private final Capabilities capabilities;
    String failure = "the backend is on fire";

    ScriptedBackend(Capabilities capabilities) {
        this.capabilities = capabilities;
    }

    void emit(BackendEvent e) {
        listener.accept(e);
    }

    @Override
    public BackendInfo info() {
        return new BackendInfo("scripted", "Scripted", BackendKind.SYNTHETIC, "memory");
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> l) {
        listener = l;
        return () -> listener = null;
    }

    private <T> CompletableFuture<T> fail() {
        return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_STATE, failure));
    }

    @Override public CompletableFuture<Sandbox> create(CreateSandboxRequest request) { return fail(); }
    @Override public CompletableFuture<Sandbox> pause(String sandbox) { return fail(); }
    @Override public CompletableFuture<Sandbox> resume(String sandbox) { return fail(); }
    @Override public CompletableFuture<Void> destroy(String sandbox) { return fail(); }
    @Override public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) { return fail(); }
    @Override public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) { return fail(); }
    @Override public CompletableFuture<Void> deleteSnapshot(String snapshot) { return fail(); }
    @Override public CompletableFuture<Pool> createPool(PoolSpec spec) { return fail(); }
    @Override public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) { return fail(); }
    @Override public CompletableFuture<Void> deletePool(String pool) { return fail(); }
    @Override public CompletableFuture<Claim> claim(String pool) { return fail(); }
    @Override public CompletableFuture<Void> release(String claimId, ReleaseMode mode) { return fail(); }
    @Override public void close() { }
}
