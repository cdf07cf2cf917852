package dev.sandtable.service;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.synthetic.SyntheticBackend;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The synthetic backend plus templates made from snapshots, so the template endpoints can round-trip. */
final class TemplateCapableBackend implements Backend {
    final SyntheticBackend inner = new SyntheticBackend();
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    @Override
    public BackendInfo info() {
        return inner.info();
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all();
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        return inner.watch(listener);
    }

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        return inner.create(request);
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return inner.pause(sandbox);
    }

    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return inner.resume(sandbox);
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        return inner.destroy(sandbox);
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return inner.snapshot(sandbox, snapshotName);
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return inner.restore(snapshot, sandboxName);
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return inner.deleteSnapshot(snapshot);
    }

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return inner.createPool(spec);
    }

    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        return inner.resizePool(pool, minIdle, maxSize);
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return inner.deletePool(pool);
    }

    @Override
    public CompletableFuture<Claim> claim(String pool) {
        return inner.claim(pool);
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return inner.release(claimId, mode);
    }

    @Override
    public CompletableFuture<Template> createTemplate(String snapshot, String templateName) {
        Template t = new Template("tpl-" + templateName, templateName, TemplateKind.SNAPSHOT, snapshot, "from " + snapshot,
                Instant.parse("2026-11-23T12:00:00Z"));
        templates.put(templateName, t);
        return CompletableFuture.completedFuture(t);
    }

    @Override
    public CompletableFuture<Void> deleteTemplate(String template) {
        if (templates.remove(template) == null) return CompletableFuture.failedFuture(SandtableException.notFound("template", template));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        inner.close();
    }
}
