package dev.sandtable.app.devices;

import dev.sandtable.app.viewmodel.Availability;
import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.BenchRequest;
import dev.sandtable.helper.BenchResult;
import dev.sandtable.helper.DeviceBackend;
import dev.sandtable.helper.HelperCapabilities;
import dev.sandtable.helper.HelperClient;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The Devices view's state, without a scene graph: the helper's socket and whether it answers, its capabilities,
 * the attached devices (refreshed after each operation and on a timer while the view is visible), the attach,
 * detach and benchmark commands, and the problem to show with what to do about it. Properties change only on the
 * {@code ui} executor; the helper is called off it.
 */
public final class DevicesViewModel implements AutoCloseable {
    public enum Status { UNKNOWN, CONNECTING, CONNECTED, UNREACHABLE }

    private final HelperSession.Connector connector;
    private final Executor ui;
    private final StringProperty socket = new SimpleStringProperty(HelperClient.defaultSocket().toString());
    private final ObjectProperty<Status> status = new SimpleObjectProperty<>(Status.UNKNOWN);
    private final StringProperty statusText = new SimpleStringProperty("Not checked yet");
    private final ObjectProperty<HelperProblem> connectionProblem = new SimpleObjectProperty<>();
    private final ObjectProperty<HelperProblem> operationProblem = new SimpleObjectProperty<>();
    private final ObjectProperty<HelperCapabilities> capabilities = new SimpleObjectProperty<>();
    private final ObservableList<AttachedDevice> devices = FXCollections.observableArrayList();
    private final StringProperty busyText = new SimpleStringProperty("");
    private final BooleanProperty benchRunning = new SimpleBooleanProperty();
    private final ObjectProperty<BenchResult> benchResult = new SimpleObjectProperty<>();
    private final StringProperty benchText = new SimpleStringProperty("");
    private final StringProperty lastInfo = new SimpleStringProperty("");
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> polling;
    private CompletableFuture<Void> refreshing;
    private HelperSession session;
    private Path sessionSocket;
    private boolean closed;

    public DevicesViewModel(HelperSession.Connector connector, Executor ui) {
        this.connector = connector;
        this.ui = ui;
    }

    // ---- state ----

    public StringProperty socketProperty() {
        return socket;
    }

    public ObjectProperty<Status> statusProperty() {
        return status;
    }

    public StringProperty statusTextProperty() {
        return statusText;
    }

    /** Why the helper cannot be used now (not running, refused), or null. */
    public ObjectProperty<HelperProblem> connectionProblemProperty() {
        return connectionProblem;
    }

    /** Why the last attach, detach or benchmark failed, or null; cleared by the next one or {@link #dismissProblem()}. */
    public ObjectProperty<HelperProblem> operationProblemProperty() {
        return operationProblem;
    }

    public ObjectProperty<HelperCapabilities> capabilitiesProperty() {
        return capabilities;
    }

    public ObservableList<AttachedDevice> devices() {
        return devices;
    }

    /** "Attaching web.img…" while an operation runs, else empty. */
    public StringProperty busyTextProperty() {
        return busyText;
    }

    public BooleanProperty benchRunningProperty() {
        return benchRunning;
    }

    public ObjectProperty<BenchResult> benchResultProperty() {
        return benchResult;
    }

    /** The last benchmark's settings and numbers in one line. */
    public StringProperty benchTextProperty() {
        return benchText;
    }

    /** The last operation's outcome ("Attached … as /dev/loop3"). */
    public StringProperty lastInfoProperty() {
        return lastInfo;
    }

    public void dismissProblem() {
        operationProblem.set(null);
    }

    // ---- what may be chosen ----

    /** Whether the helper can be used now; the reason otherwise (for the snapshot actions' tooltips). */
    public Availability helperAvailability() {
        if (status.get() == Status.CONNECTED) return Availability.OK;
        HelperProblem p = connectionProblem.get();
        if (p != null) return Availability.no(p.message());
        return Availability.no("Checking whether the native helper runs at " + socket.get() + "…");
    }

    /** Whether a backend can be chosen in the attach dialog; the reason is the disabled choice's tooltip. */
    public Availability backendChoice(DeviceBackend b) {
        HelperCapabilities c = capabilities.get();
        if (c == null || b == DeviceBackend.AUTO) return Availability.OK;
        if (b == DeviceBackend.UBLK && !c.ublk())
            return Availability.no("This kernel (" + c.kernel() + ") has no ublk: /dev/ublk-control is missing (CONFIG_BLK_DEV_UBLK,"
                    + " modprobe ublk_drv). Use loop.");
        if (b == DeviceBackend.LOOP && !c.loop()) return Availability.no("This kernel has no loop devices (/dev/loop-control is missing)");
        return Availability.OK;
    }

    /** Copy-on-write needs ublk; read-only works with either. */
    public Availability modeChoice(AttachMode mode, DeviceBackend b) {
        if (mode == AttachMode.READ_ONLY) return Availability.OK;
        Availability ublk = backendChoice(DeviceBackend.UBLK);
        if (!ublk.enabled()) return Availability.no("Copy-on-write needs ublk. " + ublk.reason());
        if (b == DeviceBackend.LOOP) return Availability.no("Copy-on-write needs the ublk backend; loop attaches read-only");
        return Availability.OK;
    }

    /** The backend a snapshot is attached with: ublk where the kernel has it, else loop. */
    public DeviceBackend preferredBackend() {
        HelperCapabilities c = capabilities.get();
        return c == null || c.preferredBackend() == null ? DeviceBackend.LOOP : c.preferredBackend();
    }

    // ---- commands ----

    /** Connects when needed, then reads the capabilities and the device list. Concurrent calls share one refresh. */
    public CompletableFuture<Void> refresh() {
        if (refreshing != null) return refreshing;
        Path s;
        try {
            s = socketPath();
        } catch (SandtableException e) {
            unreachable(new HelperProblem(e.getMessage(), "Enter the path of the helper's Unix socket, for example "
                    + HelperClient.defaultSocket(), true));
            return CompletableFuture.failedFuture(e);
        }
        if (status.get() != Status.CONNECTED) {
            status.set(Status.CONNECTING);
            statusText.set("Connecting to " + s + "…");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        refreshing = done;
        session(s).thenCompose(h -> h.capabilities().thenCompose(c -> h.list().thenApply(l -> new Listing(c, l))))
                .whenComplete((r, e) -> ui.execute(() -> {
                    refreshing = null;
                    if (e != null) {
                        HelperProblem p = HelperProblem.of(e, s, dirs());
                        dropSession(s);
                        unreachable(p.unreachable() ? p : new HelperProblem(p.message(), p.hint(), true));
                        done.completeExceptionally(SandtableException.of(e));
                        return;
                    }
                    capabilities.set(r.caps());
                    status.set(Status.CONNECTED);
                    statusText.set("Connected to " + r.caps().server());
                    connectionProblem.set(null);
                    if (!devices.equals(r.devices())) devices.setAll(r.devices());
                    done.complete(null);
                }));
        return done;
    }

    private record Listing(HelperCapabilities caps, List<AttachedDevice> devices) {
    }

    public CompletableFuture<AttachedDevice> attach(AttachForm f) {
        if (f.image() == null) return refuse("Choose an image file to attach");
        if (!Files.isRegularFile(f.image())) return refuse("There is no file at " + f.image());
        Availability b = backendChoice(f.backend());
        if (!b.enabled()) return refuse(b.reason());
        Availability m = modeChoice(f.mode(), f.backend());
        if (!m.enabled()) return refuse(m.reason());
        String name = f.image().getFileName().toString();
        return run("Attaching " + name, h -> h.attach(f.request()), d -> lastInfo.set("Attached " + name + " as " + d.devicePath()
                + " (" + d.backend().name().toLowerCase(Locale.ROOT) + ", " + mode(d) + ", ready in "
                + LatencyHistogram.format(d.readyTime()) + ")"));
    }

    public CompletableFuture<AttachedDevice> detach(AttachedDevice d) {
        return run("Detaching " + d.devicePath(), h -> h.detach(d.id()), gone -> lastInfo.set("Detached " + d.devicePath()
                + ("detached".equals(gone.state()) ? "" : " (it was already " + gone.state() + ")")));
    }

    /** Runs a benchmark on its own connection, so that the device list keeps refreshing meanwhile. */
    public CompletableFuture<BenchResult> bench(BenchSettings settings) {
        if (benchRunning.get()) return refuse("A benchmark is already running");
        BenchRequest req;
        Path s;
        try {
            if (settings.target() == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "Choose a device or a file to measure");
            req = settings.request();
            s = socketPath();
        } catch (SandtableException e) {
            return refuse(e.getMessage());
        }
        operationProblem.set(null);
        benchRunning.set(true);
        benchText.set("Measuring " + settings.describe() + " for " + settings.duration().toMillis() / 1000.0 + " s…");
        CompletableFuture<BenchResult> done = new CompletableFuture<>();
        connector.connect(s).thenCompose(h -> h.bench(req).whenComplete((r, e) -> h.close()))
                .whenComplete((r, e) -> ui.execute(() -> {
                    benchRunning.set(false);
                    if (e != null) {
                        fail(e, s);
                        benchText.set("The benchmark failed");
                        done.completeExceptionally(SandtableException.of(e));
                        return;
                    }
                    benchResult.set(r);
                    benchText.set(String.format(Locale.ROOT, "%s: %,.0f IOPS, %.1f MB/s over %.1f s", settings.describe(), r.iops(),
                            r.megabytesPerSecond(), r.elapsed().toNanos() / 1e9));
                    done.complete(r);
                }));
        return done;
    }

    /** How often the list refreshes while the Devices view is visible, and otherwise (for the sidebar and snapshot actions). */
    public static final Duration VISIBLE_PERIOD = Duration.ofSeconds(2), BACKGROUND_PERIOD = Duration.ofSeconds(10);
    private boolean background;
    private boolean visible;

    /** The main window keeps a slow probe so that its sidebar and the snapshot actions know whether the helper answers. */
    public void probeInBackground(boolean on) {
        background = on;
        repoll();
    }

    /** The Devices view shows or hides: a visible view refreshes every {@link #VISIBLE_PERIOD}. */
    public void setVisible(boolean on) {
        visible = on;
        repoll();
    }

    private void repoll() {
        if (visible) startPolling(VISIBLE_PERIOD);
        else if (background) startPolling(BACKGROUND_PERIOD);
        else stopPolling();
    }

    /** Refreshes every {@code period} until {@link #stopPolling()} (while the view is visible). */
    public void startPolling(Duration period) {
        stopPolling();
        if (timer == null) timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "devices-refresh");
            t.setDaemon(true);
            return t;
        });
        polling = timer.scheduleWithFixedDelay(() -> ui.execute(() -> {
            if (!closed) refresh().exceptionally(e -> null);
        }), 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void stopPolling() {
        if (polling != null) polling.cancel(false);
        polling = null;
    }

    public boolean isPolling() {
        return polling != null;
    }

    // ---- plumbing ----

    private <T> CompletableFuture<T> run(String progress, Function<HelperSession, CompletableFuture<T>> op, Consumer<T> onSuccess) {
        Path s;
        try {
            s = socketPath();
        } catch (SandtableException e) {
            return refuse(e.getMessage());
        }
        operationProblem.set(null);
        busyText.set(progress + "…");
        CompletableFuture<T> done = new CompletableFuture<>();
        session(s).thenCompose(op).whenComplete((r, e) -> ui.execute(() -> {
            busyText.set("");
            if (e != null) {
                fail(e, s);
                done.completeExceptionally(SandtableException.of(e));
            } else {
                onSuccess.accept(r);
                done.complete(r);
            }
            refresh().exceptionally(x -> null);
        }));
        return done;
    }

    private void fail(Throwable e, Path s) {
        HelperProblem p = HelperProblem.of(e, s, dirs());
        operationProblem.set(p);
        if (p.unreachable()) {
            dropSession(s);
            unreachable(p);
        }
    }

    private <T> CompletableFuture<T> refuse(String why) {
        operationProblem.set(new HelperProblem(why, null, false));
        return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, why));
    }

    private void unreachable(HelperProblem p) {
        status.set(Status.UNREACHABLE);
        statusText.set(p.message());
        connectionProblem.set(p);
        capabilities.set(null);
        devices.clear();
    }

    private List<String> dirs() {
        HelperCapabilities c = capabilities.get();
        return c == null ? List.of() : c.imageDirectories();
    }

    private Path socketPath() {
        String text = socket.get() == null ? "" : socket.get().trim();
        if (text.isEmpty()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "No socket path is set");
        try {
            return Path.of(text.startsWith("~/") ? System.getProperty("user.home") + text.substring(1) : text);
        } catch (InvalidPathException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "Not a path: " + text);
        }
    }

    private synchronized CompletableFuture<HelperSession> session(Path s) {
        if (closed) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNAVAILABLE, "the Devices view is closed"));
        if (session != null && s.equals(sessionSocket)) return CompletableFuture.completedFuture(session);
        if (session != null) session.close();
        session = null;
        return connector.connect(s).thenApply(h -> {
            synchronized (this) {
                if (closed) {
                    h.close();
                    throw new SandtableException(ErrorCode.UNAVAILABLE, "the Devices view is closed");
                }
                if (session != null && s.equals(sessionSocket)) {
                    h.close(); // another call connected first
                    return session;
                }
                if (session != null) session.close();
                session = h;
                sessionSocket = s;
                return h;
            }
        });
    }

    private synchronized void dropSession(Path s) {
        if (session != null && s.equals(sessionSocket)) {
            session.close();
            session = null;
        }
    }

    private static String mode(AttachedDevice d) {
        return d.mode() == AttachMode.COPY_ON_WRITE ? "copy-on-write" : "read-only";
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopPolling();
        if (timer != null) timer.shutdownNow();
        if (session != null) session.close();
        session = null;
    }
}
