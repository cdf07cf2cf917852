package dev.sandtable.local;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Names;
import dev.sandtable.model.Pool;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The embedded local runtime, Sandtable's default backend. A sandbox is a writable tree under
 * {@code sandboxes/<id>/workspace} plus the process tree of a small init started in it, inside bubblewrap when it
 * works here. Pause freezes the whole tree (cgroup freezer, or SIGSTOP to every process); snapshots are checksummed
 * copies of the tree; warm pools keep paused members ready to claim. See docs/local-runtime.md.
 *
 * <p>Every operation runs on a virtual thread; operations on one sandbox run one at a time in submission order.
 */
public final class LocalRuntime implements Backend {
    public static final String HOST_SHELL = TemplateCatalog.HOST_SHELL;
    private static final System.Logger LOG = System.getLogger(LocalRuntime.class.getName());
    private static final Set<SandboxState> SNAPSHOTTABLE = Set.of(SandboxState.RUNNING, SandboxState.PAUSED, SandboxState.FAILED);

    private final RuntimePaths paths;
    private final LocalRuntimeOptions options;
    private final BackendInfo info;
    private final Launcher launcher;
    private final Freezer freezer;
    private final SandboxProcesses processes;
    private final SnapshotStore snapshotStore;
    private final TemplateCatalog templates;
    private final JsonDir<PoolDefinition> poolFiles;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final SerialQueues queues = new SerialQueues(executor);
    private final EventHub hub = new EventHub();
    private final FileChannel lockChannel;
    private final FileLock runtimeLock;

    /** Guards the maps below and event order: every change is applied and published under it. */
    private final Object lock = new Object();
    private final Map<String, LocalSandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<String, WarmPool> pools = new LinkedHashMap<>();
    private final Set<String> reservedSnapshotNames = new java.util.HashSet<>();
    private final Map<String, WarmPool> claims = new ConcurrentHashMap<>();
    private final Map<String, String> voidedClaims = new ConcurrentHashMap<>();
    private final Map<String, ReentrantReadWriteLock> snapshotLocks = new ConcurrentHashMap<>();
    private final PoolMembers poolMembers = new Members();
    private volatile boolean closed;

    public LocalRuntime(RuntimePaths paths) {
        this(paths, LocalRuntimeOptions.defaults());
    }

    /**
     * Starts the runtime on {@code paths}: takes the state folder's lock, cleans up after a crashed predecessor, loads
     * snapshots, templates and pools, and starts refilling the pools.
     *
     * @throws SandtableException UNAVAILABLE when another runtime uses these folders or a forced isolation or freezer
     *                            is not available here
     */
    public LocalRuntime(RuntimePaths paths, LocalRuntimeOptions options) {
        this.paths = paths;
        this.options = options;
        this.info = new BackendInfo("local", "Local", BackendKind.LOCAL, paths.state().toString());
        this.launcher = selectLauncher(options.isolation());
        this.freezer = Freezers.select(options.freezer());
        this.processes = new SandboxProcesses(launcher, freezer, options.stopGrace());
        FileChannel channel = null;
        try {
            Files.createDirectories(paths.state());
            channel = FileChannel.open(paths.state().resolve("local-runtime.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null)
                throw new SandtableException(ErrorCode.UNAVAILABLE, "another Sandtable local runtime is already using "
                        + paths.state() + "; close it first");
            lockChannel = channel;
            runtimeLock = l;
            Recovery.cleanStaleSandboxes(paths.sandboxes());
            snapshotStore = new SnapshotStore(paths.snapshots(), options.snapshotWriteHook());
            snapshotStore.removeLeftovers();
            for (Snapshot s : snapshotStore.load()) snapshots.put(s.id(), s);
            templates = new TemplateCatalog(paths.templates());
            poolFiles = new JsonDir<>(paths.pools(), PoolDefinition.class);
            for (PoolDefinition d : poolFiles.load()) pools.put(d.name(), new WarmPool(d, poolMembers));
        } catch (IOException | RuntimeException e) {
            shutdownExecutors();
            if (channel != null) {
                try {
                    channel.close(); // releases the lock too
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            if (e instanceof SandtableException se) throw se;
            throw new SandtableException(ErrorCode.UNAVAILABLE, "cannot start the local runtime in " + paths.data() + " / "
                    + paths.state() + ": " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "local runtime on " + paths.state() + ": isolation " + launcher.isolation().detail()
                + "; pause with " + freezer.description());
        for (WarmPool p : pools.values()) p.refill();
    }

    private static Launcher selectLauncher(IsolationMode mode) {
        if (mode == IsolationMode.NONE) return new DirectLauncher("isolation turned off: processes run as you, unconfined");
        BubblewrapLauncher.Result r = BubblewrapLauncher.detect();
        if (r.launcher() != null) return r.launcher();
        if (mode == IsolationMode.BUBBLEWRAP) throw new SandtableException(ErrorCode.UNAVAILABLE, r.whyNot());
        return new DirectLauncher(r.whyNot());
    }

    // ---------------------------------------------------------------- Backend: description and live view

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.all()
                .without(Operation.TERMINAL, "Terminals into local sandboxes are not available yet")
                .without(Operation.WATCH_DIR, "Directory watches on local sandboxes are not available yet");
    }

    /** How new sandboxes are isolated on this machine. */
    public Isolation isolation() {
        return launcher.isolation();
    }

    /** How pause freezes a sandbox here, e.g. "cgroup v2 freezer below /sys/fs/cgroup/unified". */
    public String freezerDescription() {
        return freezer.description();
    }

    public RuntimePaths paths() {
        return paths;
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        synchronized (lock) {
            return hub.subscribe(listener, inventoryLocked());
        }
    }

    /** Everything listed right now. */
    public Inventory inventory() {
        synchronized (lock) {
            return inventoryLocked();
        }
    }

    private Inventory inventoryLocked() {
        return new Inventory(sandboxes.values().stream().map(s -> s.view).toList(),
                pools.values().stream().map(WarmPool::view).toList(),
                new ArrayList<>(snapshots.values()), templates.all());
    }

    // ---------------------------------------------------------------- sandboxes

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        if (request.snapshotId() != null) return restore(request.snapshotId(), request.name());
        return submit(() -> {
            Template t = template(request.templateId() == null ? HOST_SHELL : request.templateId());
            checkSandboxName(request.name());
            Snapshot content = templateContent(t);
            String id = newId("sb-");
            return await(queues.submit(id, () -> withSnapshotRead(content, () -> startSandbox(id, new NewSandbox(
                    request.name(), t.id(), SourceKind.TEMPLATE, t.id(), content == null ? null : content.id(), null,
                    request.metadata(), content)))));
        });
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return submit(() -> {
            Snapshot snap = snapshot(snapshot);
            checkSandboxName(sandboxName);
            String id = newId("sb-");
            return await(queues.submit(id, () -> withSnapshotRead(snap, () -> {
                snapshotStore.verify(snap);
                return startSandbox(id, new NewSandbox(sandboxName, null, SourceKind.SNAPSHOT, snap.id(), snap.id(), null,
                        Map.of(), snap));
            })));
        });
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return onSandbox(sandbox, this::doPause);
    }

    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return onSandbox(sandbox, this::doResume);
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        return onSandbox(sandbox, sb -> {
            doDestroy(sb, "destroyed");
            return null;
        });
    }

    /** The end of the sandbox's init.log: everything its init wrote (bubblewrap's errors too). */
    @Override
    public CompletableFuture<String> logs(String sandbox, int maxBytes) {
        if (maxBytes < 0) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT,
                "maxBytes must not be negative"));
        return submit(() -> LogTail.read(sandbox(sandbox).dir.resolve("init.log"), maxBytes));
    }

    /** What a terminal needs to run {@code command} inside a running sandbox. */
    public ExecSpec execSpec(String sandbox, List<String> command) {
        LocalSandbox sb = sandbox(sandbox);
        SandboxProcessInfo p = sb.info;
        if (p == null || !sb.alive())
            throw new SandtableException(ErrorCode.INVALID_STATE, "sandbox '" + sb.view.name() + "' has no running process");
        ExecSpec spec = launcher.exec(p, sb.view.name(), sb.tmp, command);
        if (p.cgroupDir() == null) return spec;
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                p.cgroupDir().resolve("cgroup.procs").toString()));
        argv.addAll(spec.argv());
        return new ExecSpec(argv, spec.directory(), spec.environment());
    }

    /** The recorded processes of a sandbox (pids, cgroup, bubblewrap arguments). */
    public SandboxProcessInfo processInfo(String sandbox) {
        SandboxProcessInfo p = sandbox(sandbox).info;
        if (p == null) throw new SandtableException(ErrorCode.INVALID_STATE, "sandbox '" + sandbox + "' is still starting");
        return p;
    }

    /** The sandbox's writable tree on the host. */
    public Path workspace(String sandbox) {
        return sandbox(sandbox).workspace;
    }

    private record NewSandbox(String name, String templateId, SourceKind sourceKind, String sourceRef,
                              String originSnapshotId, String poolName, Map<String, String> metadata, Snapshot content) {
    }

    /** Runs in the new sandbox's queue: registers it (STARTING), fills its tree, starts its init, reports RUNNING. */
    private Sandbox startSandbox(String id, NewSandbox req) {
        Instant now = Instant.now();
        LocalSandbox sb;
        synchronized (lock) {
            ensureOpen();
            String name = req.name() != null ? req.name() : req.poolName() != null
                    ? FriendlyNames.withPrefix(req.poolName(), this::sandboxNameTaken) : FriendlyNames.next(this::sandboxNameTaken);
            checkSandboxName(name);
            if (sandboxNameTaken(name))
                throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a sandbox named '" + name + "' already exists");
            Sandbox view = new Sandbox(id, name, req.templateId(), req.sourceKind(), req.sourceRef(), SandboxState.STARTING,
                    "starting", null, now, now, null, launcher.isolation(), req.poolName(), req.metadata());
            sb = new LocalSandbox(view, paths.sandboxes().resolve(id), req.originSnapshotId());
            sandboxes.put(id, sb);
            publish(new BackendEvent.Upserted(view));
            lifecycle(view, null, SandboxState.STARTING, "creating", describeSource(req));
        }
        try {
            Files.createDirectories(sb.dir);
            Files.createDirectories(sb.tmp);
            if (req.content() != null) snapshotStore.copyOut(req.content(), sb.workspace);
            else Files.createDirectories(sb.workspace);
            processes.start(sb, () -> queues.submit(sb.id, () -> {
                onMainExit(sb);
                return null;
            }));
        } catch (IOException | RuntimeException e) {
            SandtableException failure = e instanceof SandtableException se ? se
                    : SnapshotStore.isNoSpace(e) ? new SandtableException(ErrorCode.NO_SPACE, "not enough disk space in "
                    + paths.sandboxes() + " for sandbox '" + sb.view.name() + "'; free some space and try again", e)
                    : new SandtableException(ErrorCode.INTERNAL, "could not start sandbox '" + sb.view.name() + "': "
                    + e.getMessage(), e);
            sb.stopping = true;
            processes.stop(sb);
            Trees.deleteQuietly(sb.dir);
            synchronized (lock) {
                sandboxes.remove(id);
                publish(new BackendEvent.Removed(ResourceKind.SANDBOX, id));
                lifecycle(sb.view, SandboxState.STARTING, SandboxState.FAILED, "create failed", failure.getMessage());
            }
            throw failure;
        }
        return setState(sb, SandboxState.RUNNING, "running", null, "started", null);
    }

    private static String describeSource(NewSandbox req) {
        if (req.poolName() != null) return "pool " + req.poolName();
        if (req.sourceKind() == SourceKind.SNAPSHOT) return "from snapshot " + req.sourceRef();
        return "from template " + req.sourceRef();
    }

    /** The main process ended: unless a stop was under way, the sandbox has failed. Runs in the sandbox's queue. */
    private void onMainExit(LocalSandbox sb) {
        synchronized (lock) {
            if (sandboxes.get(sb.id) != sb) return;
        }
        if (sb.stopping) return;
        String reason = SandboxProcesses.exitReason(sb.process.exitValue());
        // whatever the init left behind goes with it
        try {
            if (sb.group != null && sb.group.frozen(sb.tree)) sb.group.thaw(sb.tree);
        } catch (FreezeGroup.FreezeException ignored) {
            // killing below does not need a thaw for signal-stopped processes
        }
        sb.tree.signalAll(Posix.SIGKILL);
        setState(sb, SandboxState.FAILED, "exited", reason, "failed", reason);
    }

    private Sandbox doPause(LocalSandbox sb) {
        requireAlive(sb, "paused");
        requireState(sb, SandboxState.RUNNING, "paused");
        setState(sb, SandboxState.PAUSING, "pausing", null, "pausing", null);
        try {
            sb.group.freeze(sb.tree);
        } catch (FreezeGroup.FreezeException e) {
            setState(sb, SandboxState.RUNNING, "running", null, "pause failed", e.getMessage());
            throw new SandtableException(ErrorCode.INTERNAL, "could not pause sandbox '" + sb.view.name() + "': " + e.getMessage());
        }
        return setState(sb, SandboxState.PAUSED, sb.group.frozenRawState(), null, "paused", null);
    }

    private Sandbox doResume(LocalSandbox sb) {
        requireAlive(sb, "resumed");
        requireState(sb, SandboxState.PAUSED, "resumed");
        setState(sb, SandboxState.RESUMING, "resuming", null, "resuming", null);
        try {
            sb.group.thaw(sb.tree);
        } catch (FreezeGroup.FreezeException e) {
            setState(sb, SandboxState.PAUSED, sb.group.frozenRawState(), e.getMessage(), "resume failed", e.getMessage());
            throw new SandtableException(ErrorCode.INTERNAL, "could not resume sandbox '" + sb.view.name() + "': " + e.getMessage());
        }
        return setState(sb, SandboxState.RUNNING, "running", null, "resumed", null);
    }

    private void doDestroy(LocalSandbox sb, String action) {
        sb.stopping = true;
        SandboxState before = sb.view.state();
        setState(sb, SandboxState.STOPPING, "stopping", null, "stopping", null);
        processes.stop(sb);
        Trees.deleteQuietly(sb.dir);
        String pool = sb.view.poolName();
        synchronized (lock) {
            sandboxes.remove(sb.id);
            publish(new BackendEvent.Removed(ResourceKind.SANDBOX, sb.id));
            lifecycle(sb.view, SandboxState.STOPPING, SandboxState.TERMINATED, action,
                    before == SandboxState.FAILED ? sb.view.stateReason() : null);
        }
        if (pool != null) {
            WarmPool p;
            synchronized (lock) {
                p = pools.get(pool);
            }
            if (p != null) p.forget(sb.id);
        }
    }

    // ---------------------------------------------------------------- snapshots

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return onSandbox(sandbox, sb -> doSnapshot(sb, snapshotName));
    }

    private Snapshot doSnapshot(LocalSandbox sb, String requestedName) {
        String name;
        synchronized (lock) {
            name = requestedName != null ? requestedName
                    : FriendlyNames.withPrefix(sb.view.name() + "-snap", this::snapshotNameTaken);
            checkName("Snapshot", name);
            if (snapshotNameTaken(name))
                throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a snapshot named '" + name + "' already exists");
            reservedSnapshotNames.add(name);
        }
        try {
            Sandbox before = sb.view;
            if (!SNAPSHOTTABLE.contains(before.state()))
                throw new SandtableException(ErrorCode.INVALID_STATE, "sandbox '" + before.name() + "' is "
                        + before.state().label().toLowerCase() + "; it can be snapshotted when running, paused or failed");
            boolean freeze = before.state() == SandboxState.RUNNING && sb.alive();
            setState(sb, SandboxState.SNAPSHOTTING, "snapshotting", null, "snapshotting", name);
            boolean frozen = false;
            String outcome = "snapshot failed";
            String detail = null;
            try {
                if (freeze) {
                    sb.group.freeze(sb.tree);
                    frozen = true;
                }
                Snapshot snap = snapshotStore.create(newId("snap-"), name, sb.id, before.name(), sb.originSnapshotId, sb.workspace);
                synchronized (lock) {
                    snapshots.put(snap.id(), snap);
                    publish(new BackendEvent.Upserted(snap));
                    publish(new BackendEvent.Lifecycle(new LifecycleEvent(snap.createdAt(), ResourceKind.SNAPSHOT, snap.id(),
                            snap.name(), null, null, "created", "from sandbox " + before.name() + ", " + snap.fileCount()
                            + " files, " + snap.sizeBytes() + " bytes")));
                }
                outcome = "snapshotted";
                detail = snap.name();
                return snap;
            } catch (FreezeGroup.FreezeException e) {
                detail = e.getMessage();
                throw new SandtableException(ErrorCode.INTERNAL, "could not freeze sandbox '" + before.name()
                        + "' for a consistent snapshot: " + e.getMessage());
            } catch (SandtableException e) {
                detail = e.getMessage();
                throw e;
            } finally {
                if (frozen) {
                    try {
                        sb.group.thaw(sb.tree);
                    } catch (FreezeGroup.FreezeException e) {
                        LOG.log(System.Logger.Level.WARNING, "thaw after snapshot failed: " + e.getMessage());
                    }
                }
                setState(sb, before.state(), before.rawState(), before.stateReason(), outcome, detail);
            }
        } finally {
            synchronized (lock) {
                reservedSnapshotNames.remove(name);
            }
        }
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return submit(() -> {
            Snapshot snap = snapshot(snapshot);
            Lock w = snapshotLock(snap.id()).writeLock();
            w.lock();
            try {
                synchronized (lock) {
                    if (!snapshots.containsKey(snap.id())) throw SandtableException.notFound("snapshot", snapshot);
                    List<String> users = templates.madeFrom(snap.id());
                    if (!users.isEmpty())
                        throw new SandtableException(ErrorCode.INVALID_STATE, "snapshot '" + snap.name() + "' is used by template"
                                + (users.size() > 1 ? "s '" : " '") + String.join("', '", users) + "'; delete "
                                + (users.size() > 1 ? "those templates" : "the template") + " first");
                }
                try {
                    snapshotStore.delete(snap);
                } catch (IOException e) {
                    throw new SandtableException(ErrorCode.INTERNAL, "could not delete snapshot '" + snap.name() + "': " + e.getMessage(), e);
                }
                synchronized (lock) {
                    snapshots.remove(snap.id());
                    publish(new BackendEvent.Removed(ResourceKind.SNAPSHOT, snap.id()));
                    publish(new BackendEvent.Lifecycle(new LifecycleEvent(Instant.now(), ResourceKind.SNAPSHOT, snap.id(),
                            snap.name(), null, null, "deleted", null)));
                }
                return null;
            } finally {
                w.unlock();
            }
        });
    }

    private ReentrantReadWriteLock snapshotLock(String id) {
        return snapshotLocks.computeIfAbsent(id, k -> new ReentrantReadWriteLock());
    }

    /** Holds the snapshot's read lock (so it cannot be deleted meanwhile) around {@code action}. */
    private <T> T withSnapshotRead(Snapshot snap, Callable<T> action) throws Exception {
        if (snap == null) return action.call();
        Lock r = snapshotLock(snap.id()).readLock();
        r.lock();
        try {
            synchronized (lock) {
                if (!snapshots.containsKey(snap.id())) throw SandtableException.notFound("snapshot", snap.name());
            }
            return action.call();
        } finally {
            r.unlock();
        }
    }

    /** The manifest of a snapshot (for tests and diagnostics). */
    SnapshotManifest manifest(String snapshot) {
        return snapshotStore.manifest(snapshot(snapshot));
    }

    // ---------------------------------------------------------------- templates

    @Override
    public CompletableFuture<Template> createTemplate(String snapshot, String templateName) {
        return submit(() -> {
            checkName("Template", templateName);
            Snapshot snap = snapshot(snapshot);
            Template t = templates.add(snap, templateName);
            synchronized (lock) {
                publish(new BackendEvent.Upserted(t));
                publish(new BackendEvent.Lifecycle(new LifecycleEvent(t.createdAt(), ResourceKind.TEMPLATE, t.id(), t.name(),
                        null, null, "created", "from snapshot " + snap.name())));
            }
            return t;
        });
    }

    @Override
    public CompletableFuture<Void> deleteTemplate(String template) {
        return submit(() -> {
            Template t = templates.resolve(template);
            synchronized (lock) {
                List<String> users = pools.values().stream().filter(p -> p.definition().templateId().equals(t.id()))
                        .map(WarmPool::name).toList();
                if (!users.isEmpty())
                    throw new SandtableException(ErrorCode.INVALID_STATE, "template '" + t.name() + "' is used by pool"
                            + (users.size() > 1 ? "s '" : " '") + String.join("', '", users) + "'; delete the pool first");
                templates.remove(t);
                publish(new BackendEvent.Removed(ResourceKind.TEMPLATE, t.id()));
                publish(new BackendEvent.Lifecycle(new LifecycleEvent(Instant.now(), ResourceKind.TEMPLATE, t.id(), t.name(),
                        null, null, "deleted", null)));
            }
            return null;
        });
    }

    /** The snapshot whose files a template starts from (verified), or null for the host shell. */
    private Snapshot templateContent(Template t) {
        if (t.templateKind() != TemplateKind.SNAPSHOT) return null;
        Snapshot snap;
        synchronized (lock) {
            snap = snapshots.get(t.sourceRef());
        }
        if (snap == null)
            throw new SandtableException(ErrorCode.NOT_FOUND, "template '" + t.name() + "' refers to snapshot " + t.sourceRef()
                    + ", which no longer exists");
        snapshotStore.verify(snap);
        return snap;
    }

    // ---------------------------------------------------------------- pools

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return submit(() -> {
            checkName("Pool", spec.name());
            checkPoolSizes(spec.minIdle(), spec.maxSize());
            Template t = template(spec.templateId() == null ? HOST_SHELL : spec.templateId());
            PoolDefinition def = new PoolDefinition(spec.name(), t.id(), spec.minIdle(), spec.maxSize(), Instant.now());
            WarmPool pool = new WarmPool(def, poolMembers);
            synchronized (lock) {
                ensureOpen();
                template(t.id()); // still there: deleteTemplate checks for pools under this lock
                if (pools.containsKey(spec.name()))
                    throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a pool named '" + spec.name() + "' already exists");
                pools.put(def.name(), pool);
            }
            try {
                poolFiles.save(def.name(), def);
            } catch (IOException e) {
                synchronized (lock) {
                    pools.remove(def.name());
                }
                throw new SandtableException(ErrorCode.INTERNAL, "could not save pool '" + def.name() + "': " + e.getMessage(), e);
            }
            poolMembers.changed(pool, "created", "template " + t.name() + ", min idle " + def.minIdle() + ", max size " + def.maxSize());
            pool.refill();
            return pool.view();
        });
    }

    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        return submit(() -> {
            checkPoolSizes(minIdle, maxSize);
            WarmPool p = pool(pool);
            p.resize(minIdle, maxSize);
            try {
                poolFiles.save(p.name(), p.definition());
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.INTERNAL, "pool '" + pool + "' was resized but could not be saved: " + e.getMessage(), e);
            }
            poolMembers.changed(p, "resized", "min idle " + minIdle + ", max size " + maxSize);
            return p.view();
        });
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return submit(() -> {
            WarmPool p = pool(pool);
            List<String> voided = p.delete();
            for (String c : voided) {
                claims.remove(c);
                voidedClaims.put(c, p.name());
            }
            try {
                poolFiles.delete(p.name());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not delete the definition of pool " + p.name() + ": " + e.getMessage());
            }
            synchronized (lock) {
                pools.remove(p.name(), p);
                publish(new BackendEvent.Removed(ResourceKind.POOL, p.name()));
                publish(new BackendEvent.Lifecycle(new LifecycleEvent(Instant.now(), ResourceKind.POOL, p.name(), p.name(),
                        null, null, "deleted", voided.isEmpty() ? null : voided.size() + " outstanding claims voided")));
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Claim> claim(String pool) {
        return submit(() -> {
            WarmPool p = pool(pool);
            String claimId = newId("claim-");
            claims.put(claimId, p);
            try {
                return p.claim(claimId);
            } catch (RuntimeException e) {
                claims.remove(claimId);
                throw e;
            }
        });
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return submit(() -> {
            WarmPool p = claims.remove(claimId);
            if (p == null || !p.release(claimId, mode == null ? ReleaseMode.PUT : mode)) {
                String deletedPool = voidedClaims.get(claimId);
                if (deletedPool != null)
                    throw new SandtableException(ErrorCode.NOT_FOUND, "claim '" + claimId + "' is no longer valid: pool '"
                            + deletedPool + "' was deleted and its sandbox destroyed");
                throw new SandtableException(ErrorCode.NOT_FOUND, "no claim '" + claimId + "': it was already released or never existed");
            }
            return null;
        });
    }

    /** The pool's members by role (for tests and diagnostics). */
    WarmPool.Members poolMembers(String pool) {
        return pool(pool).members();
    }

    private static void checkPoolSizes(int minIdle, int maxSize) {
        if (minIdle < 0 || maxSize < 1 || minIdle > maxSize)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "pool sizes must satisfy 0 <= min idle <= max size and "
                    + "max size >= 1 (got min idle " + minIdle + ", max size " + maxSize + ")");
    }

    private final class Members implements PoolMembers {
        @Override
        public Sandbox create(WarmPool pool) {
            PoolDefinition def = pool.definition();
            Template t = template(def.templateId());
            Snapshot content = templateContent(t);
            String id = newId("sb-");
            return await(queues.submit(id, () -> withSnapshotRead(content, () -> startSandbox(id, new NewSandbox(null, t.id(),
                    SourceKind.POOL, def.name(), content == null ? null : content.id(), def.name(), Map.of(), content)))));
        }

        @Override
        public void pause(String sandboxId) {
            LocalSandbox sb = present(sandboxId);
            await(queues.submit(sandboxId, () -> {
                still(sb);
                return sb.view.state() == SandboxState.PAUSED && sb.alive() ? sb.view : doPause(sb);
            }));
        }

        @Override
        public boolean resumeAlive(String sandboxId) {
            LocalSandbox sb;
            synchronized (lock) {
                sb = sandboxes.get(sandboxId);
            }
            if (sb == null) return false;
            try {
                return await(queues.submit(sandboxId, () -> {
                    still(sb);
                    if (!sb.alive()) return false;
                    if (sb.view.state() == SandboxState.PAUSED) doResume(sb);
                    return sb.alive() && sb.tree.rootAlive() && sb.view.state() == SandboxState.RUNNING;
                }));
            } catch (SandtableException e) {
                return false;
            }
        }

        @Override
        public void destroy(String sandboxId) {
            LocalSandbox sb;
            synchronized (lock) {
                sb = sandboxes.get(sandboxId);
            }
            if (sb == null) return;
            try {
                await(queues.submit(sandboxId, () -> {
                    synchronized (lock) {
                        if (sandboxes.get(sandboxId) != sb) return null;
                    }
                    doDestroy(sb, "destroyed");
                    return null;
                }));
            } catch (SandtableException e) {
                LOG.log(System.Logger.Level.WARNING, "could not destroy pool member " + sandboxId + ": " + e.getMessage());
            }
        }

        @Override
        public Sandbox view(String sandboxId) {
            synchronized (lock) {
                LocalSandbox sb = sandboxes.get(sandboxId);
                return sb == null ? null : sb.view;
            }
        }

        @Override
        public void changed(WarmPool pool, String action, String detail) {
            synchronized (lock) {
                if (pools.get(pool.name()) != pool) return;
                publish(new BackendEvent.Upserted(pool.view()));
                if (action != null)
                    publish(new BackendEvent.Lifecycle(new LifecycleEvent(Instant.now(), ResourceKind.POOL, pool.name(),
                            pool.name(), null, null, action, detail)));
            }
        }

        @Override
        public void memberEvent(String sandboxId, String action, String detail) {
            synchronized (lock) {
                LocalSandbox sb = sandboxes.get(sandboxId);
                if (sb != null) lifecycle(sb.view, sb.view.state(), sb.view.state(), action, detail);
            }
        }

        @Override
        public void runInBackground(Runnable task) {
            if (closed) return;
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * Stops every sandbox (TERM, then KILL after the grace period) and removes its folder. Snapshots, templates and
     * pool definitions stay for the next start.
     */
    @Override
    public void close() {
        List<LocalSandbox> all;
        List<WarmPool> allPools;
        synchronized (lock) {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(sandboxes.values());
            allPools = new ArrayList<>(pools.values());
        }
        allPools.forEach(WarmPool::stop);
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (LocalSandbox sb : all)
            stops.add(queues.submit(sb.id, () -> {
                synchronized (lock) {
                    if (sandboxes.get(sb.id) != sb) return null;
                }
                doDestroy(sb, "stopped: the runtime closed");
                return null;
            }));
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "not every sandbox stopped cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            publish(new BackendEvent.Connection(dev.sandtable.spi.ConnectionState.DISCONNECTED, "the local runtime has been closed"));
        }
        hub.close();
        shutdownExecutors();
        try {
            runtimeLock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not release the runtime lock: " + e.getMessage());
        }
    }

    private void shutdownExecutors() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) executor.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.close();
    }

    // ---------------------------------------------------------------- helpers

    private void ensureOpen() {
        if (closed) throw new SandtableException(ErrorCode.UNAVAILABLE, "the local runtime has been closed");
    }

    private <T> CompletableFuture<T> submit(Callable<T> action) {
        if (closed) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNAVAILABLE, "the local runtime has been closed"));
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(action.call());
                } catch (Throwable t) {
                    f.completeExceptionally(SandtableException.of(t));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(new SandtableException(ErrorCode.UNAVAILABLE, "the local runtime has been closed"));
        }
        return f;
    }

    @FunctionalInterface
    private interface SandboxOp<T> {
        T apply(LocalSandbox sb);
    }

    private <T> CompletableFuture<T> onSandbox(String ref, SandboxOp<T> op) {
        try {
            ensureOpen();
            LocalSandbox sb = sandbox(ref);
            return queues.submit(sb.id, () -> op.apply(still(sb)));
        } catch (SandtableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw SandtableException.of(e);
        }
    }

    private LocalSandbox sandbox(String ref) {
        synchronized (lock) {
            if (ref != null) {
                LocalSandbox sb = sandboxes.get(ref);
                if (sb != null) return sb;
                for (LocalSandbox s : sandboxes.values()) if (s.view.name().equals(ref)) return s;
            }
        }
        throw new SandtableException(ErrorCode.NOT_FOUND, "no sandbox named '" + ref + "' (it may have been destroyed)");
    }

    private LocalSandbox present(String id) {
        synchronized (lock) {
            LocalSandbox sb = sandboxes.get(id);
            if (sb == null) throw new SandtableException(ErrorCode.NOT_FOUND, "sandbox " + id + " is gone");
            return sb;
        }
    }

    /** Inside a queued operation: the sandbox must still be there (an earlier operation may have destroyed it). */
    private LocalSandbox still(LocalSandbox sb) {
        synchronized (lock) {
            if (sandboxes.get(sb.id) != sb)
                throw new SandtableException(ErrorCode.NOT_FOUND, "sandbox '" + sb.view.name() + "' has been destroyed");
        }
        return sb;
    }

    private Snapshot snapshot(String ref) {
        synchronized (lock) {
            if (ref != null) {
                Snapshot s = snapshots.get(ref);
                if (s != null) return s;
                for (Snapshot x : snapshots.values()) if (x.name().equals(ref)) return x;
            }
        }
        throw SandtableException.notFound("snapshot", ref);
    }

    private Template template(String ref) {
        return templates.resolve(ref);
    }

    private WarmPool pool(String name) {
        synchronized (lock) {
            WarmPool p = pools.get(name);
            if (p == null) throw SandtableException.notFound("pool", name);
            return p;
        }
    }

    private boolean sandboxNameTaken(String name) {
        for (LocalSandbox s : sandboxes.values()) if (s.view.name().equals(name)) return true;
        return false;
    }

    private boolean snapshotNameTaken(String name) {
        if (reservedSnapshotNames.contains(name)) return true;
        for (Snapshot s : snapshots.values()) if (s.name().equals(name)) return true;
        return false;
    }

    private static void checkSandboxName(String name) {
        if (name != null) checkName("Sandbox", name);
    }

    private static void checkName(String what, String name) {
        String problem = Names.problem(what, name);
        if (problem != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, problem);
    }

    private static String newId(String prefix) {
        return prefix + FriendlyNames.hex(6);
    }

    private void requireState(LocalSandbox sb, SandboxState required, String verb) {
        SandboxState s = sb.view.state();
        if (s != required)
            throw new SandtableException(ErrorCode.INVALID_STATE, "sandbox '" + sb.view.name() + "' is " + s.label().toLowerCase()
                    + "; only a " + required.label().toLowerCase() + " sandbox can be " + verb);
    }

    private void requireAlive(LocalSandbox sb, String verb) {
        if (!sb.alive())
            throw new SandtableException(ErrorCode.INVALID_STATE, "sandbox '" + sb.view.name() + "' cannot be " + verb + ": "
                    + (sb.view.stateReason() != null ? sb.view.stateReason() : "its processes have stopped"));
    }

    /** Applies a state change and publishes it with its lifecycle entry. */
    private Sandbox setState(LocalSandbox sb, SandboxState to, String raw, String reason, String action, String detail) {
        synchronized (lock) {
            Sandbox before = sb.view;
            Sandbox after = before.withState(to, raw, reason, Instant.now());
            sb.view = after;
            if (sandboxes.get(sb.id) == sb) {
                publish(new BackendEvent.Upserted(after));
                lifecycle(after, before.state(), to, action, detail);
            }
            return after;
        }
    }

    private void lifecycle(Sandbox s, SandboxState from, SandboxState to, String action, String detail) {
        publish(new BackendEvent.Lifecycle(new LifecycleEvent(Instant.now(), ResourceKind.SANDBOX, s.id(), s.name(), from, to,
                action, detail)));
    }

    private void publish(BackendEvent e) {
        hub.publish(e);
    }
}
