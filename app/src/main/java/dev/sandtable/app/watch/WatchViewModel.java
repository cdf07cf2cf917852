package dev.sandtable.app.watch;

import dev.sandtable.spi.Backend;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A directory watch as the pane shows it, without any control: the path and recursion to ask for, the stream's
 * state, the events (bounded, oldest dropped first) with a text and type filter, counters, and whether the table
 * follows new events. Backend callbacks are queued and applied in one batch on the UI executor.
 *
 * <p>A live watch whose stream ends with an error the user did not cause (dropped, a proxy closed it, the platform
 * unreachable for a while) is watched again with backoff ({@link #BACKOFF}, at most {@link #MAX_ATTEMPTS} attempts),
 * shown as "Reconnecting, attempt n"; once watching again, a {@link WatchRow.Gap} row says which stretch of time may
 * lack events. Errors that another attempt cannot fix (no such directory, not a directory, refused credentials,
 * unsupported) end it; Stop cancels a pending attempt.
 */
public final class WatchViewModel implements AutoCloseable {
    public static final int MAX_EVENTS = 50_000;
    /** Waits before reconnect attempts 1, 2, 3, ...; the last one repeats. */
    public static final List<Duration> BACKOFF = List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(10));
    public static final int MAX_ATTEMPTS = 10;

    public enum Status { IDLE, CONNECTING, LIVE, RECONNECTING, ENDED, FAILED }

    /** Runs a task after a delay on some thread; returns what cancels it. Tests pass one they drive by hand. */
    @FunctionalInterface
    public interface Scheduler {
        Runnable schedule(Duration delay, Runnable task);

        /** One daemon thread shared by every watch pane. */
        static Scheduler daemon() {
            return (delay, task) -> {
                var f = Timer.EXECUTOR.schedule(task, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            };
        }
    }

    private static final class Timer {
        static final java.util.concurrent.ScheduledExecutorService EXECUTOR =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("watch-reconnect").factory());
    }

    private final Backend backend;
    private final String sandboxId;
    private final Executor ui;
    private final Scheduler scheduler;
    private final ZoneId zone;
    private final StringProperty path = new SimpleStringProperty("/home/user");
    private final BooleanProperty recursive = new SimpleBooleanProperty(true);
    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.IDLE);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper("Not watching");
    private final ObservableList<WatchRow> events = FXCollections.observableArrayList();
    private final FilteredList<WatchRow> visible = new FilteredList<>(events, e -> true);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ObjectProperty<FsEvent.FsEventType> typeFilter = new SimpleObjectProperty<>();
    private final LongProperty total = new SimpleLongProperty();
    private final LongProperty keepalives = new SimpleLongProperty();
    private final Map<FsEvent.FsEventType, LongProperty> perType = new EnumMap<>(FsEvent.FsEventType.class);
    private final ObjectProperty<Duration> startLatency = new SimpleObjectProperty<>();
    private final BooleanProperty followTail = new SimpleBooleanProperty(true);
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private DirectoryWatch watch;
    private long generation;
    private WatchRequest request;
    /** The stream was live at least once since Start: only then is a lost stream watched again. */
    private boolean wasLive;
    private int attempt;
    /** The last thing heard from the stream (start, event, keepalive), and where a gap would begin. */
    private Instant lastHeard;
    private Instant gapFrom;
    private Runnable cancelRetry;

    /** @param ui runs on the UI thread (Platform::runLater; Runnable::run in tests) */
    public WatchViewModel(Backend backend, String sandboxId, Executor ui) {
        this(backend, sandboxId, ui, Scheduler.daemon(), ZoneId.systemDefault());
    }

    public WatchViewModel(Backend backend, String sandboxId, Executor ui, Scheduler scheduler, ZoneId zone) {
        this.backend = backend;
        this.sandboxId = sandboxId;
        this.ui = ui;
        this.scheduler = scheduler;
        this.zone = zone;
        for (FsEvent.FsEventType t : FsEvent.FsEventType.values()) perType.put(t, new SimpleLongProperty());
        filter.addListener((o, a, b) -> refilter());
        typeFilter.addListener((o, a, b) -> refilter());
    }

    private void refilter() {
        String q = filter.get() == null ? "" : filter.get().trim().toLowerCase(Locale.ROOT);
        FsEvent.FsEventType t = typeFilter.get();
        // gap rows always show: they qualify whatever the filters let through
        visible.setPredicate(e -> e instanceof WatchRow.Gap
                || (t == null || e.type() == t) && (q.isEmpty() || e.path().toLowerCase(Locale.ROOT).contains(q)));
    }

    /** Starts watching {@link #pathProperty()}; a running watch is stopped first. Call on the UI thread. */
    public void start() {
        stop();
        String p = path.get() == null ? "" : path.get().trim();
        if (p.isEmpty()) {
            setStatus(Status.FAILED, "Enter a directory to watch");
            return;
        }
        request = new WatchRequest(p, recursive.get());
        wasLive = false;
        attempt = 0;
        gapFrom = null;
        setStatus(Status.CONNECTING, "Connecting to " + p + "…");
        connect();
    }

    private void connect() {
        long gen = ++generation;
        backend.watchDir(sandboxId, request, new WatchListener() {
            @Override
            public void onEvent(FsEvent event) {
                post(gen, event);
            }

            @Override
            public void onState(WatchState state) {
                post(gen, state);
            }
        }).whenComplete((w, err) -> ui.execute(() -> {
            if (w == null) {
                // a backend that fails the future without telling the listener
                if (gen == generation) lost(SandtableException.of(err));
                return;
            }
            if (gen != generation) w.close();
            else watch = w;
        }));
    }

    /** Stops the watch and any pending reconnect; the events stay. */
    public void stop() {
        generation++;
        cancelPendingRetry();
        DirectoryWatch w = watch;
        watch = null;
        if (w != null) w.close();
        Status s = status.get();
        if (s == Status.LIVE || s == Status.CONNECTING || s == Status.RECONNECTING) setStatus(Status.ENDED, "Stopped");
    }

    private void cancelPendingRetry() {
        Runnable c = cancelRetry;
        cancelRetry = null;
        if (c != null) c.run();
    }

    /** The current stream ended with {@code error}: watch again later, or give up. On the UI thread. */
    private void lost(SandtableException error) {
        long gen = ++generation; // whatever else the old stream still says is stale now
        watch = null;
        if (!wasLive || !retryable(error)) {
            setStatus(Status.FAILED, "Ended: " + error.getMessage());
            return;
        }
        if (gapFrom == null) gapFrom = lastHeard;
        if (attempt >= MAX_ATTEMPTS) {
            setStatus(Status.FAILED, "Ended: " + error.getMessage() + " (gave up after " + MAX_ATTEMPTS + " reconnect attempts)");
            return;
        }
        attempt++;
        setStatus(Status.RECONNECTING, "Reconnecting, attempt " + attempt + " of " + MAX_ATTEMPTS + " · " + error.getMessage());
        Duration wait = BACKOFF.get(Math.min(attempt, BACKOFF.size()) - 1);
        cancelRetry = scheduler.schedule(wait, () -> ui.execute(() -> {
            if (gen != generation) return; // stopped or restarted meanwhile
            cancelRetry = null;
            connect();
        }));
    }

    /** Whether another attempt could help: not for a missing directory, a file, refused credentials, or no support. */
    static boolean retryable(SandtableException e) {
        return switch (e.code()) {
            case NOT_FOUND, INVALID_ARGUMENT, UNAUTHORIZED, UNSUPPORTED -> false;
            default -> true;
        };
    }

    public void clear() {
        events.clear();
        total.set(0);
        keepalives.set(0);
        perType.values().forEach(c -> c.set(0));
    }

    private record Tagged(long generation, Object item) {
    }

    private void post(long gen, Object item) {
        inbox.add(new Tagged(gen, item));
        if (drainScheduled.compareAndSet(false, true)) ui.execute(this::drain);
    }

    /** Applies everything queued since the last drain (one batch per UI turn). */
    void drain() {
        drainScheduled.set(false);
        List<WatchRow> batch = new ArrayList<>();
        int newEvents = 0;
        for (Object o; (o = inbox.poll()) != null; ) {
            Tagged t = (Tagged) o;
            if (t.generation() != generation) continue;
            switch (t.item()) {
                case FsEvent e -> {
                    batch.add(new WatchRow.Event(e));
                    newEvents++;
                    lastHeard = e.arrivedAt();
                    perType.get(e.type()).set(perType.get(e.type()).get() + 1);
                }
                case WatchState s -> {
                    WatchRow gap = apply(s);
                    if (gap != null) batch.add(gap);
                }
                default -> { }
            }
        }
        if (batch.isEmpty()) return;
        total.set(total.get() + newEvents);
        events.addAll(batch);
        int over = events.size() - MAX_EVENTS;
        if (over > 0) events.remove(0, over);
    }

    /** Applies a state of the current stream; returns the gap row to add when it starts again after a loss. */
    private Duration resolution;

    private WatchRow apply(WatchState s) {
        switch (s) {
            case WatchState.Connecting c -> {
                if (status.get() != Status.RECONNECTING) setStatus(Status.CONNECTING, "Connecting…");
            }
            case WatchState.Started st -> {
                startLatency.set(st.startLatency());
                lastHeard = st.at();
                wasLive = true;
                boolean again = gapFrom != null;
                resolution = st.resolution();
                setStatus(Status.LIVE, "Live · " + (again ? "reconnected, " : "") + "started in " + millis(st.startLatency()) + polling());
                attempt = 0;
                if (again) {
                    WatchRow gap = new WatchRow.Gap(gapFrom, st.at(), zone);
                    gapFrom = null;
                    return gap;
                }
            }
            case WatchState.Keepalive k -> {
                keepalives.set(keepalives.get() + 1);
                lastHeard = k.at();
                if (status.get() == Status.LIVE)
                    statusText.set("Live · started in " + millis(startLatency.get()) + polling() + " · keepalives " + keepalives.get());
            }
            case WatchState.Ended e -> {
                if (e.error() == null) {
                    watch = null;
                    setStatus(Status.ENDED, "Ended");
                } else {
                    lost(SandtableException.of(e.error()));
                }
            }
        }
        return null;
    }

    /** A polling fallback says so, with its resolution: events can be up to one interval late, and merged within one. */
    private String polling() {
        return resolution == null ? "" : " · polling every " + millis(resolution) + " (no watch in this backend; changes within one poll are merged)";
    }

    static String millis(Duration d) {
        if (d == null) return "—";
        double ms = d.toNanos() / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.1f ms", ms) : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    private void setStatus(Status s, String text) {
        status.set(s);
        statusText.set(text);
    }

    public StringProperty pathProperty() {
        return path;
    }

    public BooleanProperty recursiveProperty() {
        return recursive;
    }

    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** Every kept row (events and gap marks), oldest first. */
    public ObservableList<WatchRow> events() {
        return events;
    }

    /** The rows the filters let through (gap marks always): what the table shows. */
    public FilteredList<WatchRow> visible() {
        return visible;
    }

    public StringProperty filterProperty() {
        return filter;
    }

    /** null shows every type. */
    public ObjectProperty<FsEvent.FsEventType> typeFilterProperty() {
        return typeFilter;
    }

    /** Events received since the last clear (including ones dropped from the bounded list). */
    public LongProperty totalProperty() {
        return total;
    }

    public LongProperty count(FsEvent.FsEventType type) {
        return perType.get(type);
    }

    public LongProperty keepalivesProperty() {
        return keepalives;
    }

    public ObjectProperty<Duration> startLatencyProperty() {
        return startLatency;
    }

    /** True while the table should scroll to each new event; the view clears it when the user scrolls up. */
    public BooleanProperty followTailProperty() {
        return followTail;
    }

    /** The counters as one line: "12 events · 5 create · 7 write · …". */
    public String countersText() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%,d events", total.get()));
        for (var e : perType.entrySet()) if (e.getValue().get() > 0)
            sb.append(" · ").append(e.getValue().get()).append(' ').append(e.getKey().name().toLowerCase(Locale.ROOT));
        return sb.toString();
    }

    /** The reconnect attempt under way or pending (0 while live or not reconnecting). */
    public int attempt() {
        return attempt;
    }

    @Override
    public void close() {
        stop();
    }
}
