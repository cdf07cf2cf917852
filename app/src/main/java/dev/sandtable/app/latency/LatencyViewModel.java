package dev.sandtable.app.latency;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.latency.Comparison;
import dev.sandtable.latency.EndpointSummary;
import dev.sandtable.latency.Frame;
import dev.sandtable.latency.LatencyLab;
import dev.sandtable.latency.Metric;
import dev.sandtable.latency.ProbeListener;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;
import dev.sandtable.latency.ProbeRun;
import dev.sandtable.latency.ProbeSettings;
import dev.sandtable.latency.ProbeTarget;
import dev.sandtable.latency.Protocol;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;
import dev.sandtable.latency.Trial;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * The latency lab as the window shows it, without any control: what to probe (a sandbox, its own endpoint and any
 * endpoints the user adds for A/B, the streams, the iterations), the run live, and the runs of the history.
 *
 * <p>Threading: the run calls its {@link ProbeListener} on its own threads; the listener only enqueues. The view
 * calls {@link #drain()} once per pulse on the FX thread, which applies the batch and rebuilds what is shown (lanes,
 * verdicts, A/B rows, histogram) as one change each. Tests call {@link #drain()} directly.
 */
public final class LatencyViewModel implements AutoCloseable {
    /** The label of the sandbox's own endpoint. */
    public static final String OWN = "direct";

    public enum Status { IDLE, RUNNING, DONE }

    /** Starts a run ({@link LatencyLab#start} in production; tests feed listener calls themselves). */
    @FunctionalInterface
    public interface Starter {
        ProbeRun start(List<ProbeTarget> targets, String sandboxId, String template, ProbeSettings settings, ProbeListener listener);
    }

    private final Executor ui;
    private final Executor worker;
    private final RunHistory store;
    private final Starter starter;

    private final ObservableList<SandboxChoice> choices = FXCollections.observableArrayList();
    private final ObjectProperty<SandboxChoice> choice = new SimpleObjectProperty<>();
    private final ObservableList<EndpointSpec> endpoints = FXCollections.observableArrayList();
    private final ObservableList<StreamKind> streams = FXCollections.observableArrayList(StreamKind.values());
    private final IntegerProperty iterations = new SimpleIntegerProperty(20);
    private final IntegerProperty windowMs = new SimpleIntegerProperty(3000);

    private final ReadOnlyObjectWrapper<Status> status = new ReadOnlyObjectWrapper<>(Status.IDLE);
    private final ReadOnlyStringWrapper statusText = new ReadOnlyStringWrapper("Choose a sandbox and press Run");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");

    private final ObservableList<RunEntry> history = FXCollections.observableArrayList();
    private final ObjectProperty<RunEntry> shown = new SimpleObjectProperty<>();
    private final ObjectProperty<RunEntry> compareWith = new SimpleObjectProperty<>();

    private final ObservableList<String> columns = FXCollections.observableArrayList();
    private final ObservableList<Lane> lanes = FXCollections.observableArrayList();
    private final ObservableList<VerdictRow> verdicts = FXCollections.observableArrayList();
    private final ObservableList<Comparison> comparisons = FXCollections.observableArrayList();
    private final ObservableList<MetricKey> metricKeys = FXCollections.observableArrayList();
    private final ObjectProperty<MetricKey> metric = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<HistogramData> histogram = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper comparisonTitle = new ReadOnlyStringWrapper("");

    private final ConcurrentLinkedQueue<Tagged> inbox = new ConcurrentLinkedQueue<>();
    private volatile long generation;
    private LiveRun live;
    private ProbeRun run;
    private boolean rebuilding;

    /**
     * @param ui     runs on the FX thread (Platform::runLater; Runnable::run in tests)
     * @param worker file reads and writes
     * @param store  where runs are saved
     */
    public LatencyViewModel(Executor ui, Executor worker, RunHistory store, Starter starter) {
        this.ui = ui;
        this.worker = worker;
        this.store = store;
        this.starter = starter;
        shown.addListener((o, a, b) -> rebuild());
        compareWith.addListener((o, a, b) -> rebuild());
        metric.addListener((o, a, b) -> {
            if (!rebuilding) rebuild();
        });
    }

    public LatencyViewModel(Executor ui, Executor worker, RunHistory store) {
        this(ui, worker, store, LatencyLab::start);
    }

    // ---- what to probe ----

    /** Replaces the sandbox choices (the main window's running sandboxes), keeping the current one when still there. */
    public void setChoices(List<SandboxChoice> list) {
        SandboxChoice was = choice.get();
        choices.setAll(list);
        SandboxChoice keep = was == null ? null : list.stream().filter(c -> c.key().equals(was.key())).findFirst().orElse(null);
        if (keep == null) keep = list.stream().filter(c -> c.whyNot() == null && !c.temporary()).findFirst()
                .orElse(list.stream().filter(c -> c.whyNot() == null).findFirst().orElse(list.isEmpty() ? null : list.getFirst()));
        choice.set(keep);
    }

    /** Selects the choice with this key (the sandbox the window was opened for), if present. */
    public void choose(String key) {
        choices.stream().filter(c -> c.key().equals(key)).findFirst().ifPresent(choice::set);
    }

    /** Adds an endpoint for A/B; fails with INVALID_ARGUMENT (nothing changed) when it is unusable or its name is taken. */
    public void addEndpoint(EndpointSpec spec) {
        String p = endpointProblem(spec);
        if (p != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, p);
        endpoints.add(spec);
    }

    /** What stops {@code spec} from being added, or null. */
    public String endpointProblem(EndpointSpec spec) {
        String p = spec.problem();
        if (p != null) return p;
        if (spec.label().equalsIgnoreCase(OWN) || endpoints.stream().anyMatch(e -> e.label().equalsIgnoreCase(spec.label())))
            return "An endpoint named " + spec.label() + " is already in the run";
        return null;
    }

    /** A name for the next endpoint: proxy, proxy-2, ... */
    public String suggestLabel() {
        for (int i = 1; ; i++) {
            String n = i == 1 ? "proxy" : "proxy-" + i;
            if (endpoints.stream().noneMatch(e -> e.label().equalsIgnoreCase(n))) return n;
        }
    }

    // ---- running ----

    /** Starts a run of the chosen sandbox through its own endpoint and the added ones; false (with the reason shown) when it cannot. */
    public boolean run() {
        if (status.get() == Status.RUNNING) return false;
        SandboxChoice c = choice.get();
        if (c == null) return refuse("Choose a sandbox to probe");
        if (c.whyNot() != null) return refuse(c.whyNot());
        if (streams.isEmpty()) return refuse("Choose at least one stream to probe");
        if (c.own() == null) return refuse("Choose a sandbox to probe");
        Protocol protocol = c.own().protocol();
        List<StreamKind> kinds = streams.stream().filter(k -> k.supports(protocol)).toList();
        if (kinds.isEmpty()) return refuse(protocol.agent() + " has none of the chosen streams; it has "
                + String.join(", ", StreamKind.supported(protocol).stream().map(StreamKind::cliName).toList()));
        List<ProbeTarget> targets = new ArrayList<>();
        try {
            switch (c.own()) {
                case ProbeTarget.Envd own -> {
                    targets.add(ProbeTarget.envd(OWN, own.config()));
                    for (EndpointSpec e : endpoints) targets.add(ProbeTarget.envd(e.label(), e.resolve(own.config())));
                }
                case ProbeTarget.Execd own -> {
                    targets.add(own.through(OWN, own.execdUrl()));
                    for (EndpointSpec e : endpoints) targets.add(e.resolve(own));
                }
            }
        } catch (SandtableException | IllegalArgumentException e) {
            return refuse("An endpoint cannot be used: " + e.getMessage());
        }
        ProbeSettings settings = ProbeSettings.defaults().withStreams(kinds).withIterations(Math.max(1, iterations.get()))
                .withSpreadWindow(Duration.ofMillis(Math.max(400, windowMs.get())));
        long gen = ++generation;
        live = new LiveRun(c.temporary() ? "temporary sandbox · " + c.backend() : c.label(), targets.stream().map(ProbeTarget::label).toList(), settings,
                protocol);
        status.set(Status.RUNNING);
        statusText.set("Starting…");
        progress.set(0);
        shown.set(null); // the live run is shown
        rebuild();
        try {
            run = starter.start(targets, c.sandboxId(), null, settings, new Inbox(gen));
        } catch (SandtableException e) {
            live = null;
            status.set(Status.IDLE);
            rebuild();
            return refuse(e.getMessage());
        }
        return true;
    }

    private boolean refuse(String why) {
        statusText.set(why);
        return false;
    }

    /** Stops the run after the trial in flight; what was measured is kept as a run of the history. */
    public void cancel() {
        ProbeRun r = run;
        if (r == null || status.get() != Status.RUNNING) return;
        statusText.set("Cancelling…");
        worker.execute(r::cancel);
    }

    private sealed interface Event {
    }

    private record Ready(EndpointSummary endpoint) implements Event {
    }

    private record Started(String endpoint, StreamKind stream, int iteration, boolean evidence) implements Event {
    }

    private record Arrived(String endpoint, StreamKind stream, Frame frame) implements Event {
    }

    private record Finished(String endpoint, StreamKind stream, Trial trial) implements Event {
    }

    private record StreamDone(StreamResult result) implements Event {
    }

    private record RunDone(ProbeReport report) implements Event {
    }

    private record Tagged(long generation, Event event) {
    }

    /** The run's listener: enqueues only. */
    private final class Inbox implements ProbeListener {
        private final long gen;

        Inbox(long gen) {
            this.gen = gen;
        }

        private void post(Event e) {
            inbox.add(new Tagged(gen, e));
        }

        @Override
        public void endpointReady(EndpointSummary endpoint) {
            post(new Ready(endpoint));
        }

        @Override
        public void trialStarted(String endpoint, StreamKind stream, int iteration, boolean evidence) {
            post(new Started(endpoint, stream, iteration, evidence));
        }

        @Override
        public void frameArrived(String endpoint, StreamKind stream, int iteration, Frame frame) {
            post(new Arrived(endpoint, stream, frame));
        }

        @Override
        public void trialFinished(String endpoint, StreamKind stream, Trial trial) {
            post(new Finished(endpoint, stream, trial));
        }

        @Override
        public void streamFinished(StreamResult result) {
            post(new StreamDone(result));
        }

        @Override
        public void runFinished(ProbeReport report) {
            post(new RunDone(report));
        }
    }

    /** Applies every listener call queued since the last drain, then rebuilds what is shown once. Returns how many. */
    public int drain() {
        int n = 0;
        for (Tagged t; (t = inbox.poll()) != null; ) {
            if (t.generation() != generation || live == null) continue;
            n++;
            apply(t.event());
        }
        if (n > 0) rebuild();
        return n;
    }

    private void apply(Event e) {
        LiveRun l = live;
        switch (e) {
            case Ready r -> statusText.set("Reached " + r.endpoint().label() + " · sandbox " + r.endpoint().sandboxId()
                    + (r.endpoint().temporary() ? " (temporary)" : ""));
            case Started s -> {
                l.started(s);
                statusText.set(String.format(Locale.ROOT, "Probing %s through %s · %s", s.stream().cliName(), s.endpoint(),
                        s.evidence() ? "evidence trial" : "iteration " + (s.iteration() + 1) + " of " + l.settings.iterations()));
            }
            case Arrived a -> l.arrived(a);
            case Finished f -> l.finished(f);
            case StreamDone d -> l.results.add(d.result());
            case RunDone d -> finish(d.report());
        }
        if (live != null) progress.set(live.progress());
    }

    private void finish(ProbeReport report) {
        String sandbox = live.sandbox;
        live = null;
        run = null;
        status.set(Status.DONE);
        progress.set(1);
        statusText.set(summary(report));
        RunEntry entry = new RunEntry(report, sandbox, null, RunEntry.Origin.THIS_SESSION);
        history.addFirst(entry);
        shown.set(entry);
        CompletableFuture.supplyAsync(() -> {
            try {
                return store.save(report);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }, worker).whenComplete((file, err) -> ui.execute(() -> {
            if (err != null) {
                notice.set("Could not save the run to the history: " + cause(err).getMessage());
                return;
            }
            if (file == null) return;
            int i = history.indexOf(entry);
            RunEntry saved = entry.withFile(file);
            if (i >= 0) history.set(i, saved);
            if (shown.get() == entry) shown.set(saved);
            if (compareWith.get() == entry) compareWith.set(saved);
        }));
    }

    static String summary(ProbeReport r) {
        String s = String.format(Locale.ROOT, "Overall %s · %d stream results · %.1f s", r.overall(), r.results().size(), r.elapsedMs() / 1000);
        return r.failure() == null ? s : s + " · stopped: " + r.failure();
    }

    /** The live run's state (FX thread only). */
    private static final class LiveRun {
        final String sandbox;
        final List<String> labels;
        final ProbeSettings settings;
        final Protocol protocol;
        final Map<String, LaneState> lanes = new LinkedHashMap<>();
        final List<StreamResult> results = new ArrayList<>();

        LiveRun(String sandbox, List<String> labels, ProbeSettings settings, Protocol protocol) {
            this.sandbox = sandbox;
            this.labels = List.copyOf(labels);
            this.settings = settings;
            this.protocol = protocol;
        }

        static String key(String endpoint, StreamKind k) {
            return endpoint + "\u0000" + k;
        }

        LaneState lane(String endpoint, StreamKind k) {
            return lanes.computeIfAbsent(key(endpoint, k), x -> new LaneState(endpoint, k));
        }

        void started(Started s) {
            LaneState l = lane(s.endpoint(), s.stream());
            // the evidence trial stays on show; without one, the latest trial is shown
            l.showing = s.evidence() || !l.evidence;
            if (l.showing) {
                l.evidence = s.evidence();
                l.frames.clear();
                l.headersMs = null;
                l.endedMs = null;
            }
        }

        void arrived(Arrived a) {
            LaneState l = lane(a.endpoint(), a.stream());
            if (l.showing) l.frames.add(a.frame());
        }

        void finished(Finished f) {
            LaneState l = lane(f.endpoint(), f.stream());
            l.trials.add(f.trial());
            if (l.showing) {
                l.frames.clear();
                l.frames.addAll(f.trial().frames());
                l.headersMs = f.trial().headersMs();
                l.endedMs = f.trial().endedMs();
                l.showing = false;
            }
        }

        double progress() {
            double total = 0, done = 0;
            for (StreamKind k : settings.streams()) {
                int expected = settings.iterations() + (k.streaming(protocol) ? 1 : 0);
                for (String e : labels) {
                    total += expected;
                    boolean over = results.stream().anyMatch(r -> r.endpoint().equals(e) && r.stream() == k);
                    LaneState l = lanes.get(key(e, k));
                    done += over ? expected : l == null ? 0 : Math.min(expected, l.trials.size());
                }
            }
            return total == 0 ? 0 : done / total;
        }
    }

    private static final class LaneState {
        final String endpoint;
        final StreamKind stream;
        final List<Frame> frames = new ArrayList<>();
        final List<Trial> trials = new ArrayList<>();
        boolean evidence;
        boolean showing;
        Double headersMs;
        Double endedMs;

        LaneState(String endpoint, StreamKind stream) {
            this.endpoint = endpoint;
            this.stream = stream;
        }
    }

    // ---- what is shown ----

    /** A run as the views show it: its endpoints, results, lanes and trials, its columns prefixed when comparing. */
    private record Source(String prefix, List<String> endpoints, List<StreamKind> streams, List<StreamResult> results, List<Lane> lanes,
                         Map<String, List<Trial>> trials, Protocol protocol) {
        static Source of(LiveRun l, String prefix) {
            List<Lane> lanes = new ArrayList<>();
            Map<String, List<Trial>> trials = new LinkedHashMap<>();
            for (LaneState s : l.lanes.values()) {
                StreamResult r = l.results.stream().filter(x -> x.endpoint().equals(s.endpoint) && x.stream() == s.stream).findFirst().orElse(null);
                lanes.add(new Lane(prefix + s.endpoint, s.stream, s.evidence, s.headersMs, s.endedMs, s.frames,
                        r == null ? null : r.verdict(), r == null ? null : r.reason()));
                trials.put(LiveRun.key(s.endpoint, s.stream), List.copyOf(s.trials));
            }
            return new Source(prefix, l.labels, l.settings.streams(), List.copyOf(l.results), lanes, trials, l.protocol);
        }

        static Source of(ProbeReport r, String prefix) {
            List<Lane> lanes = new ArrayList<>();
            Map<String, List<Trial>> trials = new LinkedHashMap<>();
            for (StreamResult s : r.results()) {
                trials.put(LiveRun.key(s.endpoint(), s.stream()), s.trials());
                Trial shown = s.trials().stream().filter(Trial::evidence).findFirst().orElse(s.trials().isEmpty() ? null : s.trials().getLast());
                if (shown != null) lanes.add(Lane.of(prefix + s.endpoint(), s.stream(), shown, s.verdict(), s.reason()));
            }
            List<String> eps = new ArrayList<>(r.endpoints().stream().map(EndpointSummary::label).toList());
            for (StreamResult s : r.results()) if (!eps.contains(s.endpoint())) eps.add(s.endpoint());
            // a report of "all" streams names every kind; show those its agent has
            Protocol p = r.endpoints().isEmpty() ? Protocol.ENVD : r.endpoints().getFirst().protocol();
            return new Source(prefix, eps, r.settings().streams().stream().filter(k -> k.supports(p)).toList(), r.results(), lanes, trials, p);
        }
    }

    private void rebuild() {
        rebuilding = true;
        try {
            RunEntry a = shown.get(), b = compareWith.get();
            boolean comparing = b != null && (live != null || a != null) && b != a;
            String pa = comparing ? "A · " : "", pb = "B · ";
            List<Source> sources = new ArrayList<>();
            if (live != null) sources.add(Source.of(live, pa));
            else if (a != null) sources.add(Source.of(a.report(), pa));
            else if (b != null) sources.add(Source.of(b.report(), ""));
            if (comparing) sources.add(Source.of(b.report(), pb));

            List<String> cols = new ArrayList<>();
            List<Lane> ls = new ArrayList<>();
            Set<StreamKind> kinds = new LinkedHashSet<>();
            for (Source s : sources) {
                for (String e : s.endpoints()) cols.add(s.prefix() + e);
                ls.addAll(s.lanes());
                kinds.addAll(s.streams());
            }
            List<VerdictRow> rows = new ArrayList<>();
            for (StreamKind k : kinds) {
                Map<String, StreamResult> by = new LinkedHashMap<>();
                Set<String> calls = new LinkedHashSet<>();
                for (Source s : sources) {
                    for (StreamResult r : s.results()) if (r.stream() == k) by.put(s.prefix() + r.endpoint(), r);
                    if (k.supports(s.protocol())) calls.add(k.rpc(s.protocol()));
                }
                rows.add(new VerdictRow(k, by, String.join(" | ", calls)));
            }
            List<Comparison> comps = sources.isEmpty() ? List.of() : sources.size() == 2
                    ? RunComparisons.across(sources.get(0).results(), pa, sources.get(1).results(), pb)
                    : RunComparisons.within(sources.getFirst().results(), sources.getFirst().endpoints().isEmpty() ? OWN
                    : sources.getFirst().endpoints().getFirst(), "");
            comparisonTitle.set(!comparing ? (cols.size() > 1 ? "Through " + String.join(", ", cols.subList(1, cols.size()))
                    + " against " + cols.getFirst() + " (ratio = B / A)" : "Add an endpoint (a proxy) or compare with another run")
                    : "A: " + (live != null ? "this run" : a.title()) + "   B: " + b.title() + "   (ratio = B / A)");

            if (!cols.equals(columns)) columns.setAll(cols);
            lanes.setAll(ls);
            verdicts.setAll(rows);
            comparisons.setAll(comps);

            Set<MetricKey> keys = new LinkedHashSet<>();
            for (Source s : sources) {
                for (StreamResult r : s.results()) for (Metric m : r.metrics()) keys.add(new MetricKey(r.stream(), m.name()));
                for (Lane l : s.lanes()) {
                    List<Trial> ts = s.trials().get(LiveRun.key(l.column().substring(s.prefix().length()), l.stream()));
                    if (ts != null) for (Trial t : ts) for (String m : t.measurements().keySet()) keys.add(new MetricKey(l.stream(), m));
                }
            }
            if (!List.copyOf(keys).equals(metricKeys)) metricKeys.setAll(keys);
            MetricKey m = metric.get();
            if (m == null || !keys.contains(m)) metric.set(m = keys.isEmpty() ? null : keys.iterator().next());
            histogram.set(m == null ? null : histogramOf(m, sources));
        } finally {
            rebuilding = false;
        }
    }

    private static HistogramData histogramOf(MetricKey key, List<Source> sources) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, Metric> metrics = new LinkedHashMap<>();
        for (Source s : sources) {
            for (String e : s.endpoints()) {
                List<Trial> ts = s.trials().get(LiveRun.key(e, key.stream()));
                if (ts == null) continue;
                List<Double> vs = new ArrayList<>();
                for (Trial t : ts) {
                    if (key.metric().equals("interval")) vs.addAll(intervals(t));
                    else if (t.measurements().get(key.metric()) != null) vs.add(t.measurements().get(key.metric()));
                }
                values.put(s.prefix() + e, vs);
                s.results().stream().filter(r -> r.endpoint().equals(e) && r.stream() == key.stream()).findFirst()
                        .map(r -> r.metric(key.metric())).ifPresent(mm -> metrics.put(s.prefix() + e, mm));
            }
        }
        return HistogramData.of(key, values, metrics);
    }

    /** Keepalive cadence: the gaps between the start frame and each keepalive, as the engine measures them. */
    private static List<Double> intervals(Trial t) {
        List<Double> out = new ArrayList<>();
        Double prev = null;
        for (Frame f : t.frames()) {
            if (f.kind().equals("start")) prev = f.arrivedMs();
            else if (f.kind().equals("keepalive")) {
                if (prev != null) out.add(f.arrivedMs() - prev);
                prev = f.arrivedMs();
            }
        }
        return out;
    }

    // ---- history, files ----

    /** Reads the saved runs (off the FX thread) into the history, after this session's; shows the newest if nothing is shown. */
    public CompletableFuture<List<RunEntry>> loadHistory() {
        CompletableFuture<List<RunEntry>> f = CompletableFuture.supplyAsync(store::load, worker);
        f.whenComplete((list, err) -> ui.execute(() -> {
            if (err != null) return;
            Set<Path> known = new LinkedHashSet<>();
            for (RunEntry e : history) if (e.file() != null) known.add(e.file());
            for (RunEntry e : list) if (!known.contains(e.file())) history.add(e);
            if (shown.get() == null && live == null && !history.isEmpty()) shown.set(history.getFirst());
        }));
        return f;
    }

    /** Opens an exported run: it joins the history and is compared with the run on show (or shown, when none is). */
    public CompletableFuture<RunEntry> open(Path file) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return ProbeReports.readJson(file);
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "cannot read " + file + ": " + e.getMessage(), e);
            }
        }, worker).thenApplyAsync(r -> {
            RunEntry e = new RunEntry(r, RunHistory.describe(r) + " · " + file.getFileName(), file, RunEntry.Origin.OPENED);
            history.addFirst(e);
            if (live == null && shown.get() == null) shown.set(e);
            else compareWith.set(e);
            notice.set("Opened " + file);
            return e;
        }, ui).whenComplete((e, err) -> {
            if (err != null) ui.execute(() -> notice.set("Could not open " + file.getFileName() + ": " + cause(err).getMessage()));
        });
    }

    /** The run the exports write: the one on show, once finished. */
    public ProbeReport exportable() {
        RunEntry e = shown.get();
        return live == null && e != null ? e.report() : null;
    }

    public CompletableFuture<Path> exportJson(Path file) {
        return write(file, "JSON", r -> ProbeReports.writeJson(r, file));
    }

    public CompletableFuture<Path> exportCsv(Path file) {
        return write(file, "CSV", r -> ProbeReports.writeCsv(r, file));
    }

    /** Writes something already in memory (the chart's PNG) off the FX thread, with the same notices. */
    public CompletableFuture<Path> exportWith(Path file, String what, IoAction action) {
        return writeAsync(file, what, action);
    }

    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    private interface ReportWriter {
        void write(ProbeReport r) throws IOException;
    }

    private CompletableFuture<Path> write(Path file, String what, ReportWriter w) {
        ProbeReport r = exportable();
        if (r == null) {
            notice.set("Nothing to export yet: run the lab or choose a run in the history");
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_STATE, "nothing to export"));
        }
        return writeAsync(file, what, () -> w.write(r));
    }

    private CompletableFuture<Path> writeAsync(Path file, String what, IoAction action) {
        CompletableFuture<Path> f = CompletableFuture.supplyAsync(() -> {
            try {
                action.run();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, worker);
        f.whenComplete((p, err) -> ui.execute(() -> notice.set(err == null ? "Saved " + what + " to " + file
                : "Could not write " + file + ": " + cause(err).getMessage())));
        return f;
    }

    private static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof UncheckedIOException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    @Override
    public void close() {
        ProbeRun r = run;
        if (r != null) worker.execute(r::cancel);
        generation++;
        inbox.clear();
    }

    // ---- properties ----

    public ObservableList<SandboxChoice> choices() {
        return choices;
    }

    public ObjectProperty<SandboxChoice> choiceProperty() {
        return choice;
    }

    /** The endpoints added for A/B (the sandbox's own endpoint, {@value #OWN}, is always probed first). */
    public ObservableList<EndpointSpec> endpoints() {
        return endpoints;
    }

    /** The streams to probe, in the engine's order. */
    public ObservableList<StreamKind> streams() {
        return streams;
    }

    public IntegerProperty iterationsProperty() {
        return iterations;
    }

    public IntegerProperty windowMsProperty() {
        return windowMs;
    }

    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusTextProperty() {
        return statusText.getReadOnlyProperty();
    }

    /** 0 to 1 while running. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** The last export, open or save message. */
    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    /** Runs of this session first, then saved ones, newest first; opened files join at the top. */
    public ObservableList<RunEntry> history() {
        return history;
    }

    /** The finished run on show (null while a run is live, which is then shown). */
    public ObjectProperty<RunEntry> shownProperty() {
        return shown;
    }

    /** A second run shown beside the first (columns "A · …" and "B · …"), or null. */
    public ObjectProperty<RunEntry> compareWithProperty() {
        return compareWith;
    }

    /** The endpoint columns of the verdicts, in order. */
    public ObservableList<String> columns() {
        return columns;
    }

    public ObservableList<Lane> lanes() {
        return lanes;
    }

    public ObservableList<VerdictRow> verdicts() {
        return verdicts;
    }

    public ObservableList<Comparison> comparisons() {
        return comparisons;
    }

    public ReadOnlyStringProperty comparisonTitleProperty() {
        return comparisonTitle.getReadOnlyProperty();
    }

    public ObservableList<MetricKey> metricKeys() {
        return metricKeys;
    }

    /** The measurement the histogram shows. */
    public ObjectProperty<MetricKey> metricProperty() {
        return metric;
    }

    public ReadOnlyObjectProperty<HistogramData> histogramProperty() {
        return histogram.getReadOnlyProperty();
    }

    public boolean running() {
        return status.get() == Status.RUNNING;
    }

    /** The run's own endpoint configuration (for display). */
    /** The own endpoint in one line: envd's address, or the OpenSandbox server (or execd's URL) for execd. */
    public static String describe(ProbeTarget t) {
        return switch (t) {
            case ProbeTarget.Envd e -> describe(e.config());
            case ProbeTarget.Execd x -> x.execdUrl() != null ? "execd " + x.execdUrl()
                    : "execd, through the OpenSandbox server " + x.server().apiUrl();
        };
    }

    public static String describe(E2bConfig c) {
        return c == null ? "" : c.routing() == E2bConfig.Routing.HOST ? c.apiUrl() + " (sandbox hosts under " + c.domain() + ")"
                : c.routingBase().toString();
    }
}
