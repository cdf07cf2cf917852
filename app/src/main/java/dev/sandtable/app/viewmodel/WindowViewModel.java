package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;
import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.app.remote.RemoteBackendStore;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The main window's state and behaviour, with no JavaFX scene graph: the selection per table, the filters, what
 * each action may do now, the operations themselves, and the command palette's search. Views only bind to it.
 */
public final class WindowViewModel implements AutoCloseable {
    private final LiveInventory inventory = new LiveInventory();
    private final ClaimBook claims = new ClaimBook();
    private final RemoteBackends remotes;
    private final Notifier notifier;
    private final Executor ui;
    private final OperationRunner runner;
    private final Clock clock;
    private final ObjectProperty<Instant> now;
    private final ObjectProperty<ResourceKind> currentView = new SimpleObjectProperty<>(ResourceKind.SANDBOX);
    private final ObjectProperty<BackendViewModel> selectedBackend = new SimpleObjectProperty<>();
    private final ObjectProperty<Row<Sandbox>> selectedSandbox = new SimpleObjectProperty<>();
    private final ObjectProperty<Row<Pool>> selectedPool = new SimpleObjectProperty<>();
    private final ObjectProperty<Row<Snapshot>> selectedSnapshot = new SimpleObjectProperty<>();
    private final ObjectProperty<Row<Template>> selectedTemplate = new SimpleObjectProperty<>();
    private final FilterModel<Sandbox, SandboxState> sandboxFilter;
    private final FilterModel<Pool, Object> poolFilter;
    private final FilterModel<Snapshot, SnapshotState> snapshotFilter;
    private final FilterModel<Template, TemplateKind> templateFilter;
    private final dev.sandtable.app.devices.DevicesViewModel devices;

    /**
     * @param ui     runs completions on the UI thread (Platform::runLater; Runnable::run in tests)
     * @param worker starts backend operations (never the UI thread)
     */
    public WindowViewModel(List<? extends Backend> backends, Notifier notifier, Executor ui, Executor worker, Clock clock) {
        this(backends, notifier, ui, worker, clock, RemoteBackendStore.inMemory(), RemoteBackends::e2b);
    }

    /**
     * @param store          the backends the user added before (connected now) and where added ones are saved
     * @param remoteFactory  builds the backend of an added spec (E2bBackend in production)
     */
    public WindowViewModel(List<? extends Backend> backends, Notifier notifier, Executor ui, Executor worker, Clock clock,
                           RemoteBackendStore store, java.util.function.Function<RemoteBackendSpec, Backend> remoteFactory) {
        this.clock = clock;
        this.notifier = notifier;
        this.ui = ui;
        this.remotes = new RemoteBackends(inventory, store, remoteFactory, worker);
        this.now = new SimpleObjectProperty<>(clock.instant());
        this.runner = new OperationRunner(inventory, notifier, ui, worker);
        this.devices = new dev.sandtable.app.devices.DevicesViewModel(dev.sandtable.app.devices.HelperSession.Connector.real(), ui);
        for (Backend b : backends) inventory.connect(b);
        List<String> problems = remotes.restoreSaved();
        if (!problems.isEmpty()) notifier.error("Some saved backends could not be added", String.join("\n", problems));
        if (!inventory.backends().isEmpty()) selectedBackend.set(inventory.backends().getFirst());
        sandboxFilter = new FilterModel<>(inventory.sandboxes(), Sandbox::state, WindowViewModel::searchText);
        poolFilter = new FilterModel<>(inventory.pools(), p -> null, p -> p.name() + " " + str(p.templateId()));
        snapshotFilter = new FilterModel<>(inventory.snapshots(), Snapshot::state, s -> String.join(" ", s.name(), s.id(),
                str(s.sourceSandboxName()), str(s.parentSnapshotId()), s.kind().name(), s.state().name()));
        templateFilter = new FilterModel<>(inventory.templates(), Template::templateKind, t -> String.join(" ", t.name(), t.id(),
                str(t.description()), str(t.sourceRef())));
        inventory.versionProperty().addListener((o, a, b) -> dropStaleSelections());
    }

    /** What the sandbox filter matches: name, id, state, source, pool, isolation, metadata (as key=value). */
    static String searchText(Sandbox s) {
        StringBuilder sb = new StringBuilder(96).append(s.name()).append(' ').append(s.id()).append(' ').append(s.state().name())
                .append(' ').append(s.rawState());
        if (s.sourceRef() != null) sb.append(' ').append(s.sourceRef());
        if (s.poolName() != null) sb.append(' ').append(s.poolName());
        if (s.templateId() != null) sb.append(' ').append(s.templateId());
        if (s.isolation() == null || !s.isolation().isolated()) sb.append(" not isolated");
        // key=value, so "team=qa" or "dev.sandtable.managed" (Sandtable's own Docker containers) filter too
        for (var e : s.metadata().entrySet()) sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
        return sb.toString();
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }

    /**
     * Shows another namespace of a Kubernetes context (the backend keeps its place; its rows are replaced once the
     * new namespace is listed). Fails with the reason when {@code b} is not a connected Kubernetes context.
     */
    public java.util.concurrent.CompletableFuture<Void> useNamespace(BackendViewModel b, String namespace) {
        Backend backend = b.backend();
        if (backend instanceof dev.sandtable.app.ConnectingBackend c) backend = c.target().getNow(null);
        if (!(backend instanceof dev.sandtable.kubernetes.KubernetesBackend k))
            return java.util.concurrent.CompletableFuture.failedFuture(new dev.sandtable.spi.SandtableException(dev.sandtable.spi.ErrorCode.INVALID_STATE,
                    b.displayName() + " is not a connected Kubernetes context"));
        return k.useNamespace(namespace == null ? "" : namespace.strip()).whenComplete((v, t) -> {
            if (t != null) ui.execute(() -> notifier.error("Cannot show namespace " + namespace, dev.sandtable.spi.SandtableException.of(t).getMessage()));
        });
    }

    public LiveInventory inventory() {
        return inventory;
    }

    public ClaimBook claims() {
        return claims;
    }

    public OperationRunner runner() {
        return runner;
    }

    /** Advances "now" for relative times; the UI calls it about once a second. */
    public void tick() {
        now.set(clock.instant());
    }

    public ObjectProperty<Instant> nowProperty() {
        return now;
    }

    public ObjectProperty<ResourceKind> currentViewProperty() {
        return currentView;
    }

    public ObjectProperty<BackendViewModel> selectedBackendProperty() {
        return selectedBackend;
    }

    public ObjectProperty<Row<Sandbox>> selectedSandboxProperty() {
        return selectedSandbox;
    }

    public ObjectProperty<Row<Pool>> selectedPoolProperty() {
        return selectedPool;
    }

    public ObjectProperty<Row<Snapshot>> selectedSnapshotProperty() {
        return selectedSnapshot;
    }

    public ObjectProperty<Row<Template>> selectedTemplateProperty() {
        return selectedTemplate;
    }

    public FilterModel<Sandbox, SandboxState> sandboxFilter() {
        return sandboxFilter;
    }

    public FilterModel<Pool, Object> poolFilter() {
        return poolFilter;
    }

    public FilterModel<Snapshot, SnapshotState> snapshotFilter() {
        return snapshotFilter;
    }

    public FilterModel<Template, TemplateKind> templateFilter() {
        return templateFilter;
    }

    /** The selected row of a kind, or null. */
    public Row<?> selected(ResourceKind kind) {
        return switch (kind) {
            case SANDBOX -> selectedSandbox.get();
            case POOL -> selectedPool.get();
            case SNAPSHOT -> selectedSnapshot.get();
            case TEMPLATE -> selectedTemplate.get();
        };
    }

    @SuppressWarnings("unchecked")
    public void select(Row<?> row) {
        if (row == null) return;
        switch (row.value()) {
            case Sandbox s -> selectedSandbox.set((Row<Sandbox>) row);
            case Pool p -> selectedPool.set((Row<Pool>) row);
            case Snapshot s -> selectedSnapshot.set((Row<Snapshot>) row);
            case Template t -> selectedTemplate.set((Row<Template>) row);
        }
    }

    private void dropStaleSelections() {
        if (gone(selectedSandbox.get(), inventory.sandboxes())) selectedSandbox.set(null);
        if (gone(selectedPool.get(), inventory.pools())) selectedPool.set(null);
        if (gone(selectedSnapshot.get(), inventory.snapshots())) selectedSnapshot.set(null);
        if (gone(selectedTemplate.get(), inventory.templates())) selectedTemplate.set(null);
        claims.claims().keySet().removeIf(id -> inventory.sandboxes().find(id) == null);
    }

    private static boolean gone(Row<?> row, LiveTable<?> table) {
        return row != null && table.find(row.id()) != row;
    }

    /** The backend for actions that need no selection: the one selected in the sidebar. */
    public BackendViewModel targetBackend() {
        BackendViewModel b = selectedBackend.get();
        return b != null ? b : inventory.backends().isEmpty() ? null : inventory.backends().getFirst();
    }

    // ---- what may run ----

    public Availability availability(SandtableAction action) {
        Row<?> row = action.target() == null ? null : selected(action.target());
        if (action.target() != null && row == null)
            return Availability.no("Select a " + action.target().name().toLowerCase(Locale.ROOT) + " first");
        return availability(action, row);
    }

    /**
     * False when the selected row's backend, connected, lacks the action's operation altogether (Stop on a backend
     * without a stopped state, Snapshot on Kubernetes): the details pane leaves such a button out, while the menus
     * keep it, disabled, with the backend's reason. While a backend connects its capabilities are not final yet.
     */
    public boolean applicable(SandtableAction action) {
        if (action.target() == null || action.operation() == null) return true;
        Row<?> row = selected(action.target());
        return row == null || row.backend().state() != ConnectionState.CONNECTED
                || row.backend().capabilities().supports(action.operation());
    }

    /** Whether {@code action} may run on {@code row} (ignored for actions without a target). */
    public Availability availability(SandtableAction action, Row<?> row) {
        if (action == SandtableAction.ADD_BACKEND || action == SandtableAction.LATENCY_LAB) return Availability.OK;
        if (action == SandtableAction.OPEN_DEVICES) return Availability.OK;
        if (action == SandtableAction.EXPORT_IMAGE || action == SandtableAction.ATTACH_SNAPSHOT) return deviceRule(action, row);
        if (action == SandtableAction.REMOVE_BACKEND) {
            BackendViewModel b = selectedBackend.get();
            if (b == null) return Availability.no("Select a backend in the sidebar first");
            return b.removable() ? Availability.OK : Availability.no(b.displayName() + " is built in; only added backends can be removed");
        }
        BackendViewModel b = action.target() == null ? targetBackend() : row == null ? null : row.backend();
        if (b == null) return Availability.no("No backend is connected");
        var whyNot = b.capabilities().whyNot(action.operation());
        if (whyNot.isPresent()) return Availability.no(whyNot.get());
        if (b.state() == ConnectionState.DISCONNECTED)
            return Availability.no(b.displayName() + " is disconnected");
        if (b.state() == ConnectionState.CONNECTING)
            return Availability.no(b.displayName() + " is still connecting");
        if (action.target() == null) return Availability.OK;
        String busy = runner.busyWith(row.id());
        if (busy != null) return Availability.no(busy);
        return switch (row.value()) {
            case Sandbox s -> sandboxRule(action, s, row.id());
            case Snapshot s -> snapshotRule(action, s);
            case Pool p -> poolRule(action, p);
            case Template t -> templateRule(action, t);
        };
    }

    private Availability sandboxRule(SandtableAction a, Sandbox s, String rowId) {
        String is = s.name() + " is " + s.state().label().toLowerCase(Locale.ROOT);
        return switch (a) {
            case PAUSE -> s.state() == SandboxState.RUNNING ? Availability.OK : Availability.no(is + "; only running sandboxes can be paused");
            case STOP -> s.state() == SandboxState.RUNNING || s.state() == SandboxState.PAUSED ? Availability.OK
                    : Availability.no(is + "; only running or paused sandboxes can be stopped");
            case RESUME -> s.state() == SandboxState.PAUSED || s.state() == SandboxState.SUSPENDED ? Availability.OK
                    : Availability.no(is + "; only paused sandboxes can be resumed");
            case SNAPSHOT -> s.state() == SandboxState.RUNNING || s.state() == SandboxState.PAUSED ? Availability.OK
                    : Availability.no(is + "; snapshots are taken of running or paused sandboxes");
            case OPEN_TERMINAL, WATCH_DIRECTORY -> s.state() == SandboxState.RUNNING ? Availability.OK
                    : Availability.no(is + "; only running sandboxes have a shell and files to watch");
            case DESTROY -> s.state().isFinal() || s.state() == SandboxState.STOPPING ? Availability.no(is) : Availability.OK;
            case RELEASE_PUT, RELEASE_DEAD -> claims.claimOf(rowId) != null ? Availability.OK
                    : Availability.no(s.poolName() == null ? s.name() + " was not claimed from a pool"
                    : s.name() + " was not claimed in this window");
            default -> Availability.OK;
        };
    }

    private Availability snapshotRule(SandtableAction a, Snapshot s) {
        return switch (a) {
            case RESTORE, MAKE_TEMPLATE -> s.state() == SnapshotState.READY ? Availability.OK
                    : Availability.no("Snapshot " + s.name() + " is " + s.state().name().toLowerCase(Locale.ROOT) + "; it must be ready");
            case DELETE_SNAPSHOT -> s.state() == SnapshotState.DELETING ? Availability.no("Snapshot " + s.name() + " is being deleted") : Availability.OK;
            default -> Availability.OK;
        };
    }

    private Availability poolRule(SandtableAction a, Pool p) {
        if (p.closing()) return Availability.no("Pool " + p.name() + " is being deleted");
        if (a == SandtableAction.CLAIM && p.inUse() >= p.maxSize())
            return Availability.no("Pool " + p.name() + " is full: " + p.inUse() + " of " + p.maxSize() + " members are in use");
        return Availability.OK;
    }

    private Availability templateRule(SandtableAction a, Template t) {
        if (a == SandtableAction.DELETE_TEMPLATE && t.templateKind() != TemplateKind.SNAPSHOT)
            return Availability.no("Template " + t.name() + " is built in; only templates made from snapshots can be deleted");
        return Availability.OK;
    }

    // ---- devices (the native helper) ----

    /** The Devices view's state; the window probes the helper so that the snapshot actions know whether it answers. */
    public dev.sandtable.app.devices.DevicesViewModel devices() {
        return devices;
    }

    @SuppressWarnings("unchecked")
    private Availability deviceRule(SandtableAction a, Row<?> row) {
        if (row == null || !(row.value() instanceof Snapshot)) return Availability.no("Select a snapshot first");
        String busy = runner.busyWith(row.id());
        if (busy != null) return Availability.no(busy);
        Availability local = dev.sandtable.app.devices.SnapshotImages.exportable((Row<Snapshot>) row);
        if (!local.enabled() || a == SandtableAction.EXPORT_IMAGE) return local;
        return devices.helperAvailability();
    }

    /** Writes a local snapshot as a raw ext4 image (off the UI thread; listed under the running tasks). */
    public CompletableFuture<java.nio.file.Path> exportImage(Row<Snapshot> row, java.nio.file.Path image) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Exporting " + n + " as a disk image", "Export " + n,
                () -> CompletableFuture.completedFuture(dev.sandtable.app.devices.SnapshotImages.export(row, image)),
                p -> notifier.info("Exported " + n, p + " (ext4, " + Formats.bytes(p.toFile().length()) + ")"));
    }

    /** Exports the snapshot unless a current image exists, then attaches that image read-only through the helper. */
    public CompletableFuture<dev.sandtable.helper.AttachedDevice> attachSnapshot(Row<Snapshot> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Attaching " + n + " as a device", "Attach " + n, () -> {
            java.nio.file.Path image = dev.sandtable.app.devices.SnapshotImages.ensureImage(row);
            CompletableFuture<dev.sandtable.helper.AttachedDevice> attached = new CompletableFuture<>();
            ui.execute(() -> devices.attach(dev.sandtable.app.devices.AttachForm.readOnly(image).withBackend(devices.preferredBackend()))
                    .whenComplete((d, e) -> {
                        if (e != null) attached.completeExceptionally(e);
                        else attached.complete(d);
                    }));
            return attached;
        }, d -> notifier.info("Attached " + n + " as " + d.devicePath(), "Read-only. The Devices view (Ctrl+Alt+D) lists it and detaches it"));
    }

    // ---- backends ----

    public RemoteBackends remotes() {
        return remotes;
    }

    /** Adds an E2B-compatible backend and selects it; throws SandtableException (nothing changed) when it cannot. */
    public BackendViewModel addBackend(RemoteBackendSpec spec) {
        BackendViewModel b = remotes.add(spec);
        selectedBackend.set(b);
        notifier.info("Added " + b.displayName(), "Connecting to " + spec.apiUrl());
        b.stateProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends ConnectionState> o, ConnectionState was, ConnectionState now) {
                if (now == ConnectionState.CONNECTING || now == ConnectionState.RECONNECTING) return;
                o.removeListener(this);
                if (now == ConnectionState.DISCONNECTED)
                    notifier.error("Could not connect to " + b.displayName(), b.messageProperty().get());
            }
        });
        return b;
    }

    /** Removes an added backend: its rows leave the tables at once. */
    public void removeBackend(BackendViewModel b) {
        remotes.remove(b);
        if (selectedBackend.get() == b) selectedBackend.set(inventory.backends().isEmpty() ? null : inventory.backends().getFirst());
        notifier.info("Removed " + b.displayName(), "It is no longer shown and will not come back next start");
    }

    // ---- operations ----

    public CompletableFuture<Sandbox> createSandbox(BackendViewModel b, String name, String templateId, String snapshotId) {
        String label = blank(name) ? "a sandbox" : name;
        CreateSandboxRequest req = new CreateSandboxRequest(blankToNull(name), templateId, snapshotId, null);
        return runner.run(b, null, label, "Creating " + label, "Create " + label,
                () -> b.backend().create(req), s -> selectLater(inventory.sandboxes(), b, s));
    }

    public CompletableFuture<Sandbox> pause(Row<Sandbox> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Pausing " + n, "Pause " + n, () -> row.backend().backend().pause(row.value().id()), null);
    }

    public CompletableFuture<Sandbox> stop(Row<Sandbox> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Stopping " + n, "Stop " + n, () -> row.backend().backend().stop(row.value().id()), null);
    }

    public CompletableFuture<Sandbox> resume(Row<Sandbox> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Resuming " + n, "Resume " + n, () -> row.backend().backend().resume(row.value().id()), null);
    }

    public CompletableFuture<Void> destroy(Row<Sandbox> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Destroying " + n, "Destroy " + n, () -> row.backend().backend().destroy(row.value().id()), null);
    }

    public CompletableFuture<Snapshot> snapshot(Row<Sandbox> row, String snapshotName) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Snapshotting " + n, "Snapshot " + n,
                () -> row.backend().backend().snapshot(row.value().id(), blankToNull(snapshotName)), null);
    }

    /** Restores into {@code count} new sandboxes named {@code baseName} (count 1) or baseName-1 … baseName-N. */
    public CompletableFuture<List<Sandbox>> restore(Row<Snapshot> row, String baseName, int count) {
        List<CompletableFuture<Sandbox>> all = new ArrayList<>();
        for (String name : restoreNames(baseName, count)) {
            String n = row.value().name();
            String into = name == null ? "a new sandbox" : name;
            all.add(runner.run(row.backend(), row.id(), n, "Restoring " + n + " into " + into, "Restore " + n + " into " + into,
                    () -> row.backend().backend().restore(row.value().id(), name), null));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }

    static List<String> restoreNames(String baseName, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= Math.max(1, count); i++)
            names.add(blank(baseName) ? null : count <= 1 ? baseName.trim() : baseName.trim() + "-" + i);
        return names;
    }

    public CompletableFuture<Template> makeTemplate(Row<Snapshot> row, String templateName) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Making template " + templateName + " from " + n, "Make template from " + n,
                () -> row.backend().backend().createTemplate(row.value().id(), templateName), null);
    }

    public CompletableFuture<Void> deleteSnapshot(Row<Snapshot> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Deleting snapshot " + n, "Delete snapshot " + n,
                () -> row.backend().backend().deleteSnapshot(row.value().id()), null);
    }

    public CompletableFuture<Void> deleteTemplate(Row<Template> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Deleting template " + n, "Delete template " + n,
                () -> row.backend().backend().deleteTemplate(row.value().id()), null);
    }

    public CompletableFuture<Pool> createPool(BackendViewModel b, PoolSpec spec) {
        return runner.run(b, null, spec.name(), "Creating pool " + spec.name(), "Create pool " + spec.name(),
                () -> b.backend().createPool(spec), p -> selectLater(inventory.pools(), b, p));
    }

    public CompletableFuture<Pool> resizePool(Row<Pool> row, int minIdle, int maxSize) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Resizing pool " + n, "Resize pool " + n,
                () -> row.backend().backend().resizePool(n, minIdle, maxSize), null);
    }

    public CompletableFuture<Void> deletePool(Row<Pool> row) {
        String n = row.value().name();
        return runner.run(row.backend(), row.id(), n, "Deleting pool " + n, "Delete pool " + n,
                () -> row.backend().backend().deletePool(n), null);
    }

    public CompletableFuture<Claim> claim(Row<Pool> row) {
        String n = row.value().name();
        BackendViewModel b = row.backend();
        return runner.run(b, row.id(), n, "Claiming from " + n, "Claim from " + n, () -> b.backend().claim(n),
                c -> claims.add(Row.idOf(b.id(), c.sandbox().key()), c));
    }

    public CompletableFuture<Void> release(Row<Sandbox> row, ReleaseMode mode) {
        Claim c = claims.claimOf(row.id());
        String n = row.value().name();
        if (c == null) return CompletableFuture.failedFuture(new IllegalStateException(n + " was not claimed in this window"));
        String verb = mode == ReleaseMode.PUT ? "Releasing " + n + " to " + c.pool() : "Releasing " + n + " as dead";
        return runner.run(row.backend(), row.id(), n, verb, "Release " + n,
                () -> row.backend().backend().release(c.id(), mode), v -> claims.remove(row.id()));
    }

    /** Selects a resource an operation just made, once its row exists (now, or after the next batch). */
    private <R extends Resource> void selectLater(LiveTable<R> table, BackendViewModel b, R made) {
        Row<R> row = table.find(b.id(), made.key());
        if (row != null) {
            select(row);
            return;
        }
        javafx.beans.value.ChangeListener<Number> once = new javafx.beans.value.ChangeListener<>() {
            int tries;

            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Number> o, Number a, Number c) {
                Row<R> r = table.find(b.id(), made.key());
                if (r != null || ++tries > 20) {
                    inventory.versionProperty().removeListener(this);
                    if (r != null) select(r);
                }
            }
        };
        inventory.versionProperty().addListener(once);
    }

    // ---- command palette ----

    /** Actions and resources matching {@code query}, best first; an empty query lists the actions. */
    public List<PaletteEntry> search(String query, int limit) {
        List<PaletteEntry> out = new ArrayList<>();
        String q = query == null ? "" : query.trim();
        for (SandtableAction a : SandtableAction.values()) {
            int s = q.isEmpty() ? 1000 - a.ordinal() : Math.max(FuzzyMatch.score(q, a.plainLabel()), FuzzyMatch.score(q, a.description()) - 15);
            if (s >= 0 && (!q.isEmpty() || true))
                out.add(new PaletteEntry(a.plainLabel(), a.shortcutText(), a, null, a.target(), availability(a), s + 5));
        }
        if (!q.isEmpty()) {
            addRows(out, q, inventory.sandboxes(), ResourceKind.SANDBOX, s -> "Sandbox · " + s.state().label().toLowerCase(Locale.ROOT));
            addRows(out, q, inventory.pools(), ResourceKind.POOL, p -> "Pool · " + p.idle() + " idle, " + p.inUse() + " in use");
            addRows(out, q, inventory.snapshots(), ResourceKind.SNAPSHOT, s -> "Snapshot of " + str(s.sourceSandboxName()));
            addRows(out, q, inventory.templates(), ResourceKind.TEMPLATE, t -> "Template · " + str(t.description()));
        }
        out.sort(Comparator.comparingInt(PaletteEntry::score).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    private <R extends Resource> void addRows(List<PaletteEntry> out, String q, LiveTable<R> table, ResourceKind kind,
                                              java.util.function.Function<R, String> detail) {
        for (Row<R> row : table.allRows()) {
            int s = FuzzyMatch.score(q, row.value().name());
            if (s >= 0) out.add(new PaletteEntry(row.value().name(), detail.apply(row.value()) + " · " + row.backend().displayName(),
                    null, row, kind, Availability.OK, s));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s.trim();
    }

    @Override
    public void close() {
        devices.close();
        inventory.close();
    }
}
