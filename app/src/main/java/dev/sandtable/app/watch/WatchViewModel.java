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
 */
public final class WatchViewModel implements AutoCloseable {
    public static final int MAX_EVENTS = 50_000;

    public enum Status { IDLE, CONNECTING, LIVE, ENDED, FAILED }

    private final Backend backend;
    private final String sandboxId;
    private final Executor ui;
    private final StringProperty path = new SimpleStringProperty("/home/user");
    private final BooleanProperty recursive = new SimpleBooleanProperty(true);
    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.IDLE);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper("Not watching");
    private final ObservableList<FsEvent> events = FXCollections.observableArrayList();
    private final FilteredList<FsEvent> visible = new FilteredList<>(events, e -> true);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ObjectProperty<FsEvent.FsEventType> typeFilter = new SimpleObjectProperty<>();
    private final LongProperty total = new SimpleLongProperty();
    private final LongProperty keepalives = new SimpleLongProperty();
    private final Map<FsEvent.FsEventType, LongProperty> perType = new EnumMap<>(FsEvent.FsEventType.class);
    private final ObjectProperty<Duration> startLatency = new SimpleObjectProperty<>();
    private String mechanism = "";
    private final BooleanProperty followTail = new SimpleBooleanProperty(true);
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private DirectoryWatch watch;
    private long generation;

    /** @param ui runs on the UI thread (Platform::runLater; Runnable::run in tests) */
    public WatchViewModel(Backend backend, String sandboxId, Executor ui) {
        this.backend = backend;
        this.sandboxId = sandboxId;
        this.ui = ui;
        for (FsEvent.FsEventType t : FsEvent.FsEventType.values()) perType.put(t, new SimpleLongProperty());
        filter.addListener((o, a, b) -> refilter());
        typeFilter.addListener((o, a, b) -> refilter());
    }

    private void refilter() {
        String q = filter.get() == null ? "" : filter.get().trim().toLowerCase(Locale.ROOT);
        FsEvent.FsEventType t = typeFilter.get();
        visible.setPredicate(e -> (t == null || e.type() == t) && (q.isEmpty() || e.path().toLowerCase(Locale.ROOT).contains(q)));
    }

    /** Starts watching {@link #pathProperty()}; a running watch is stopped first. Call on the UI thread. */
    public void start() {
        stop();
        long gen = ++generation;
        String p = path.get() == null ? "" : path.get().trim();
        if (p.isEmpty()) {
            setStatus(Status.FAILED, "Enter a directory to watch");
            return;
        }
        WatchRequest req = new WatchRequest(p, recursive.get());
        setStatus(Status.CONNECTING, "Connecting to " + p + "…");
        backend.watchDir(sandboxId, req, new WatchListener() {
            @Override
            public void onEvent(FsEvent event) {
                post(gen, event);
            }

            @Override
            public void onState(WatchState state) {
                post(gen, state);
            }
        }).whenComplete((w, err) -> ui.execute(() -> {
            if (w == null) return;
            if (gen != generation) w.close();
            else watch = w;
        }));
    }

    /** Stops the watch; the events stay. */
    public void stop() {
        generation++;
        DirectoryWatch w = watch;
        watch = null;
        if (w != null) w.close();
        if (status.get() == Status.LIVE || status.get() == Status.CONNECTING) setStatus(Status.ENDED, "Stopped");
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
        List<FsEvent> batch = new ArrayList<>();
        for (Object o; (o = inbox.poll()) != null; ) {
            Tagged t = (Tagged) o;
            if (t.generation() != generation) continue;
            switch (t.item()) {
                case FsEvent e -> {
                    batch.add(e);
                    perType.get(e.type()).set(perType.get(e.type()).get() + 1);
                }
                case WatchState s -> apply(s);
                default -> { }
            }
        }
        if (batch.isEmpty()) return;
        total.set(total.get() + batch.size());
        events.addAll(batch);
        int over = events.size() - MAX_EVENTS;
        if (over > 0) events.remove(0, over);
    }

    private void apply(WatchState s) {
        switch (s) {
            case WatchState.Connecting c -> setStatus(Status.CONNECTING, "Connecting…");
            case WatchState.Started st -> {
                startLatency.set(st.startLatency());
                mechanism = st.mechanism() == null ? "" : " · " + st.mechanism();
                setStatus(Status.LIVE, "Live · started in " + millis(st.startLatency()) + mechanism);
            }
            case WatchState.Keepalive k -> {
                keepalives.set(keepalives.get() + 1);
                if (status.get() == Status.LIVE)
                    statusText.set("Live · started in " + millis(startLatency.get()) + mechanism + " · keepalives " + keepalives.get());
            }
            case WatchState.Ended e -> {
                watch = null;
                if (e.error() == null) setStatus(Status.ENDED, "Ended");
                else setStatus(Status.FAILED, "Ended: " + SandtableException.of(e.error()).getMessage());
            }
        }
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

    /** Every kept event, oldest first. */
    public ObservableList<FsEvent> events() {
        return events;
    }

    /** The events the filters let through: what the table shows. */
    public FilteredList<FsEvent> visible() {
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

    @Override
    public void close() {
        stop();
    }
}
