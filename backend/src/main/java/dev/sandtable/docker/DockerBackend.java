package dev.sandtable.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import dev.sandtable.model.Inventory;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Docker engine as a Sandtable backend: every container is a sandbox (those Sandtable created carry its
 * {@code dev.sandtable.*} labels), images are templates, committed snapshot images are snapshots, warm pools are
 * paused containers. The live view comes from the engine's event stream ({@link DockerInformer}); terminals are
 * execs with a TTY; directory watches run inotify or a poll inside the container. Construction does no I/O: the
 * informer connects on its own thread (and keeps retrying), operations connect on first use.
 */
public final class DockerBackend implements Backend {
    private final DockerHost host;
    private final Clock clock;
    private final BackendInfo info;
    private final DockerEngine engine;
    private final DockerInformer informer;
    private final DockerLifecycle lifecycle;
    private final DockerSnapshots snapshots;
    private final DockerWarmPools pools;
    private volatile boolean closed;

    public DockerBackend(DockerHost host) {
        this(host, Clock.systemUTC());
    }

    public DockerBackend(DockerHost host, Clock clock) {
        this.host = host;
        this.clock = clock;
        String where = host.socketPath() != null ? host.socketPath().toString() : host.uri().getAuthority();
        this.info = new BackendInfo(host.backendId(), "Docker (" + where + ")", BackendKind.DOCKER, host.uri().toString());
        this.engine = new DockerEngine(host, info.displayName());
        DockerWarmPools[] poolsRef = {null};
        this.informer = new DockerInformer(engine, () -> poolsRef[0] == null ? java.util.List.of() : poolsRef[0].pools(), clock);
        this.lifecycle = new DockerLifecycle(engine, informer, clock);
        this.snapshots = new DockerSnapshots(engine, informer, lifecycle, clock);
        this.pools = new DockerWarmPools(engine, lifecycle, clock);
        poolsRef[0] = pools;
        pools.informer(informer);
        informer.start();
    }

    /** The engine the environment names (DOCKER_HOST, the current context, or the default socket). */
    public static DockerBackend fromEnvironment() {
        return new DockerBackend(DockerHost.fromEnvironment());
    }

    public DockerHost host() {
        return host;
    }

    /** The API version in use after negotiation (connects if needed). */
    public CompletableFuture<String> apiVersion() {
        return engine.async("connecting to " + host.uri(), () -> engine.connection().apiVersion());
    }

    /** Waits (at most {@code timeout}) for the first full list; fails with the engine's problem when there is none. */
    public Inventory awaitInventory(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!informer.synced()) {
            if (System.nanoTime() > deadline) {
                engine.connection(); // throws the engine's problem when there is one
                throw new SandtableException(ErrorCode.UNAVAILABLE, info.displayName() + " did not list its containers within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandtableException(ErrorCode.UNAVAILABLE, "interrupted");
            }
            if (informer.state() == ConnectionState.DISCONNECTED && !informer.synced()) engine.connection(); // throws the reason at once
        }
        return informer.inventory();
    }

    /** How many full lists the informer made (1 after the first; one more after every reconnect). */
    public long relists() {
        return informer.relists();
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all()
                .with(Operation.STOP)
                .without(Operation.TEMPLATE_CREATE, "on Docker a snapshot is an image already: create sandboxes from it with Restore")
                .without(Operation.TEMPLATE_DELETE, "remove images with 'docker rmi'");
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        return informer.subscribe(listener);
    }

    // ---- lifecycle

    /** SPI create: the template is the image; metadata become labels; the image's own command (or a keep-alive shell). */
    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        if (request.snapshotId() != null) return restore(request.snapshotId(), request.name());
        return create(new DockerCreateSpec(request.templateId(), request.name(), null, null, null, null, request.metadata()));
    }

    /** Creates and starts a container with a command, environment, resource limits and labels. */
    public CompletableFuture<Sandbox> create(DockerCreateSpec spec) {
        String what = "creating sandbox " + (spec.name() == null ? "from " + spec.image() : "'" + spec.name() + "'");
        return engine.async(what, () -> lifecycle.create(spec, Map.of(DockerLabels.SOURCE_KIND, "image",
                DockerLabels.SOURCE_REF, spec.image() == null ? "" : spec.image())));
    }

    public CompletableFuture<Sandbox> start(String sandbox) {
        return op("starting " + sandbox, sandbox, lifecycle::start);
    }

    @Override
    public CompletableFuture<Sandbox> stop(String sandbox) {
        return op("stopping " + sandbox, sandbox, lifecycle::stop);
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return op("pausing " + sandbox, sandbox, lifecycle::pause);
    }

    /** Unpauses a paused container; starts a stopped one (SUSPENDED or FAILED), so the window's Resume is Start too. */
    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return engine.async("resuming " + sandbox, () -> {
            String id = lifecycle.resolve(sandbox);
            var state = engine.client().inspectContainerCmd(id).exec().getState();
            if (state != null && Boolean.TRUE.equals(state.getPaused())) lifecycle.unpause(id);
            else if (state != null && !Boolean.TRUE.equals(state.getRunning())) lifecycle.start(id);
            else lifecycle.unpause(id); // running: the engine says it is not paused
            return lifecycle.current(id);
        });
    }

    private CompletableFuture<Sandbox> op(String doing, String ref, Consumer<String> action) {
        return engine.async(doing, () -> {
            String id = lifecycle.resolve(ref);
            action.accept(id);
            return lifecycle.current(id);
        });
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        return engine.async("destroying " + sandbox, () -> {
            lifecycle.destroy(lifecycle.resolve(sandbox));
            return null;
        });
    }

    // ---- snapshots

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return engine.async("snapshotting " + sandbox, () -> snapshots.snapshot(sandbox, snapshotName));
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return engine.async("restoring " + snapshot, () -> snapshots.restore(snapshot, sandboxName));
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return engine.async("deleting snapshot " + snapshot, () -> {
            snapshots.delete(snapshot);
            return null;
        });
    }

    // ---- pools

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return createPool(spec, PoolRecycle.PAUSE);
    }

    public CompletableFuture<Pool> createPool(PoolSpec spec, PoolRecycle recycle) {
        return engine.async("creating pool " + spec.name(), () -> pools.create(spec, recycle));
    }

    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        return engine.async("resizing pool " + pool, () -> pools.resize(pool, minIdle, maxSize));
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return engine.async("deleting pool " + pool, () -> {
            pools.delete(pool);
            return null;
        });
    }

    @Override
    public CompletableFuture<Claim> claim(String pool) {
        return engine.async("claiming from pool " + pool, () -> pools.claim(pool));
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return engine.async("releasing " + claimId, () -> {
            pools.release(claimId, mode);
            return null;
        });
    }

    // ---- terminals, watches, logs

    @Override
    public CompletableFuture<TerminalSession> openTerminal(String sandbox, TerminalRequest request) {
        return engine.async("opening a terminal in " + sandbox, () -> lifecycle.resolve(sandbox))
                .thenCompose(id -> DockerTerminalSession.exec(engine, id, request));
    }

    /** A terminal on the main process (containers created with a TTY, as Sandtable creates them). */
    public CompletableFuture<TerminalSession> attach(String sandbox, int columns, int rows) {
        return engine.async("attaching to " + sandbox, () -> lifecycle.resolve(sandbox))
                .thenCompose(id -> DockerTerminalSession.attach(engine, id, columns, rows));
    }

    @Override
    public CompletableFuture<DirectoryWatch> watchDir(String sandbox, WatchRequest request, WatchListener listener) {
        return engine.async("watching " + request.path() + " in " + sandbox, () -> lifecycle.resolve(sandbox))
                .thenCompose(id -> DockerDirectoryWatch.start(engine, id, request, listener, clock));
    }

    /** The container's log (stdout and stderr, as {@code docker logs} shows it), its last lines up to maxBytes. */
    @Override
    public CompletableFuture<String> logs(String sandbox, int maxBytes) {
        return engine.async("reading the log of " + sandbox, () -> {
            String id = lifecycle.resolve(sandbox);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            engine.client().logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(2000).withFollowStream(false)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame f) {
                            synchronized (out) {
                                out.writeBytes(f.getPayload());
                            }
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
            String all;
            synchronized (out) {
                all = out.toString(StandardCharsets.UTF_8);
            }
            byte[] bytes = all.getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= maxBytes) return all;
            String tail = new String(bytes, bytes.length - maxBytes, maxBytes, StandardCharsets.UTF_8);
            int nl = tail.indexOf('\n');
            return nl >= 0 ? tail.substring(nl + 1) : tail;
        });
    }

    /**
     * Closes the connection and the live view. Containers stay (they are the engine's); members of warm pools made
     * by this backend are destroyed, as the local runtime's are.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pools.closeAll();
        informer.close();
        engine.close();
    }
}
