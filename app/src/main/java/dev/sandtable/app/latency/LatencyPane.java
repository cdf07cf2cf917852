package dev.sandtable.app.latency;

import atlantafx.base.theme.Styles;
import dev.sandtable.latency.Comparison;
import dev.sandtable.latency.Metric;
import dev.sandtable.latency.Protocol;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;
import dev.sandtable.latency.Verdict;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The view of a {@link LatencyViewModel}: what to probe on the left (endpoints, streams, iterations, the history),
 * the run's state on top, the verdicts, and the timeline, histogram and A/B tabs. Exports go through a file chooser
 * ({@link Files}, replaced in tests); the PNG is the chart on show.
 */
public final class LatencyPane {
    /** Where files go: the view's file choosers (tests answer without dialogs). Null: cancelled. */
    public interface Files {
        Path save(String title, String suggestedName, String extension);

        Path open(String title);
    }

    private final LatencyViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TimelineChart timeline;
    private final TabPane tabs = new TabPane();
    private final TableView<VerdictRow> verdicts = new TableView<>();
    private final BarChart<String, Number> histogramChart = new BarChart<>(new CategoryAxis(), new NumberAxis());
    private final Function<Node, Files> files;
    private boolean syncingHistory;
    private Runnable beforeChoices = () -> { };
    // held here: a bidirectional binding keeps only weak references to these adapters
    private final javafx.beans.property.ObjectProperty<Integer> iterationsValue;
    private final javafx.beans.property.ObjectProperty<Integer> windowValue;

    /** @param files the file choosers, made for the window the pane is in */
    public LatencyPane(LatencyViewModel vm, Function<Node, Files> files) {
        this.vm = vm;
        this.files = files;
        this.timeline = new TimelineChart(vm.lanes());
        this.iterationsValue = vm.iterationsProperty().asObject();
        this.windowValue = vm.windowMsProperty().asObject();
        root.getStyleClass().add("latency-pane");
        root.setTop(toolbar());
        root.setLeft(sidebar());
        root.setCenter(center());
        root.setBottom(statusBar());
    }

    // ---- top: sandbox, run, progress, exports ----

    private Node toolbar() {
        ComboBox<SandboxChoice> sandbox = new ComboBox<>(vm.choices());
        sandbox.setId("latency-sandbox");
        sandbox.valueProperty().bindBidirectional(vm.choiceProperty());
        sandbox.setPromptText("Choose a sandbox");
        sandbox.setPrefWidth(300);
        sandbox.setCellFactory(l -> new ChoiceCell());
        sandbox.setButtonCell(new ChoiceCell());
        sandbox.disableProperty().bind(vm.statusProperty().isEqualTo(LatencyViewModel.Status.RUNNING));
        sandbox.setOnShowing(e -> beforeChoices.run());
        Button run = new Button("Run");
        run.setId("latency-run");
        run.getStyleClass().add(Styles.ACCENT);
        run.setDefaultButton(true);
        run.setOnAction(e -> vm.run());
        run.setTooltip(new Tooltip("Probe the sandbox through every endpoint (Ctrl+Enter)"));
        run.disableProperty().bind(vm.statusProperty().isEqualTo(LatencyViewModel.Status.RUNNING));
        Button cancel = new Button("Cancel");
        cancel.setId("latency-cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.statusProperty().isNotEqualTo(LatencyViewModel.Status.RUNNING));
        ProgressBar progress = new ProgressBar();
        progress.setId("latency-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.statusProperty().isEqualTo(LatencyViewModel.Status.RUNNING));
        progress.setPrefWidth(140);
        Label status = new Label();
        status.setId("latency-status");
        status.textProperty().bind(vm.statusTextProperty());
        status.getStyleClass().add("latency-status");
        status.setMinWidth(0);
        status.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        Button open = new Button("Open…");
        open.setId("latency-open");
        open.setTooltip(new Tooltip("Open an exported run (JSON) to compare it with the run on show (Ctrl+O)"));
        open.setOnAction(e -> openRun());
        MenuButton export = new MenuButton("Export");
        export.setId("latency-export");
        MenuItem json = new MenuItem("Run as JSON…");
        json.setOnAction(e -> exportJson());
        MenuItem csv = new MenuItem("Percentiles as CSV…");
        csv.setOnAction(e -> exportCsv());
        MenuItem png = new MenuItem("Chart as PNG…");
        png.setOnAction(e -> exportPng());
        export.getItems().addAll(json, csv, png);
        export.disableProperty().bind(Bindings.createBooleanBinding(() -> vm.exportable() == null, vm.shownProperty(), vm.statusProperty()));
        HBox bar = new HBox(8, new Label("Sandbox"), sandbox, run, cancel, progress, status, open, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("latency-toolbar");
        return bar;
    }

    // ---- left: endpoints, streams, iterations, history ----

    private Node sidebar() {
        Label endpointsTitle = section("Endpoints");
        ListView<String> endpointList = new ListView<>();
        endpointList.setId("latency-endpoints");
        endpointList.setPrefHeight(96);
        endpointList.setMinHeight(72);
        endpointList.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
                setTooltip(empty || item == null ? null : new Tooltip(item));
            }

            {
                setPrefWidth(0); // fit the list's width (ellipsis) instead of scrolling sideways
            }
        });
        Runnable fillEndpoints = () -> {
            SandboxChoice c = vm.choiceProperty().get();
            var items = new java.util.ArrayList<String>();
            items.add(LatencyViewModel.OWN + " · " + (c == null || c.own() == null ? "the sandbox's own endpoint" : LatencyViewModel.describe(c.own())));
            for (EndpointSpec s : vm.endpoints()) items.add(s.label() + " · " + s.describe());
            endpointList.getItems().setAll(items);
        };
        vm.endpoints().addListener((ListChangeListener<EndpointSpec>) c -> fillEndpoints.run());
        vm.choiceProperty().addListener((o, a, b) -> fillEndpoints.run());
        fillEndpoints.run();
        Button add = new Button("Add endpoint…");
        add.setId("latency-add-endpoint");
        add.setOnAction(e -> new EndpointDialog(vm, root.getScene().getWindow(), files.apply(root)).show().ifPresent(vm::addEndpoint));
        Button remove = new Button("Remove");
        remove.setId("latency-remove-endpoint");
        remove.disableProperty().bind(endpointList.getSelectionModel().selectedIndexProperty().lessThan(1));
        remove.setOnAction(e -> {
            int i = endpointList.getSelectionModel().getSelectedIndex();
            if (i >= 1) vm.endpoints().remove(i - 1);
        });
        add.disableProperty().bind(vm.statusProperty().isEqualTo(LatencyViewModel.Status.RUNNING));
        HBox endpointButtons = new HBox(6, add, remove);

        Label streamsTitle = section("Streams");
        FlowPane streamBoxes = new FlowPane(10, 6);
        for (StreamKind k : StreamKind.values()) {
            CheckBox cb = new CheckBox(k.cliName());
            cb.setId("latency-stream-" + k.cliName());
            cb.setTooltip(new Tooltip(tooltip(k)));
            // a stream the chosen sandbox's agent does not offer (connect and sendinput on execd) cannot be chosen
            cb.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(() -> {
                SandboxChoice c = vm.choiceProperty().get();
                return c != null && c.own() != null && !k.supports(c.own().protocol());
            }, vm.choiceProperty()));
            cb.setSelected(vm.streams().contains(k));
            vm.streams().addListener((ListChangeListener<StreamKind>) c -> cb.setSelected(vm.streams().contains(k)));
            cb.selectedProperty().addListener((o, was, on) -> {
                if (on && !vm.streams().contains(k)) {
                    vm.streams().add(k);
                    vm.streams().sort(java.util.Comparator.naturalOrder());
                } else if (!on) vm.streams().remove(k);
            });
            streamBoxes.getChildren().add(cb);
        }
        Spinner<Integer> iterations = new Spinner<>(1, 10_000, vm.iterationsProperty().get());
        iterations.setId("latency-iterations");
        iterations.setEditable(true);
        iterations.setPrefWidth(100);
        iterations.getValueFactory().valueProperty().bindBidirectional(iterationsValue);
        Spinner<Integer> window = new Spinner<>(400, 60_000, vm.windowMsProperty().get(), 250);
        window.setId("latency-window");
        window.setEditable(true);
        window.setPrefWidth(100);
        window.getValueFactory().valueProperty().bindBidirectional(windowValue);
        window.setTooltip(new Tooltip("The evidence trials produce frames over this many milliseconds"));
        VBox settings = new VBox(6, row("Iterations", iterations), row("Spread (ms)", window));

        Label historyTitle = section("Runs");
        ListView<RunEntry> history = new ListView<>(vm.history());
        history.setId("latency-history");
        history.setCellFactory(l -> new RunCell());
        history.setPlaceholder(new Label("No runs yet"));
        VBox.setVgrow(history, Priority.ALWAYS);
        history.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!syncingHistory && b != null && !vm.running()) vm.shownProperty().set(b);
        });
        vm.shownProperty().addListener((o, a, b) -> {
            syncingHistory = true;
            try {
                if (b == null) history.getSelectionModel().clearSelection();
                else history.getSelectionModel().select(b);
            } finally {
                syncingHistory = false;
            }
        });
        Button compare = new Button("Compare with shown");
        compare.setId("latency-compare");
        compare.setTooltip(new Tooltip("Show the selected run beside the run on show (A/B)"));
        compare.disableProperty().bind(history.getSelectionModel().selectedItemProperty().isNull());
        compare.setOnAction(e -> {
            RunEntry sel = history.getSelectionModel().getSelectedItem();
            if (sel != null && sel != vm.shownProperty().get()) vm.compareWithProperty().set(sel);
        });
        Button noCompare = new Button("Stop comparing");
        noCompare.disableProperty().bind(vm.compareWithProperty().isNull());
        noCompare.setOnAction(e -> vm.compareWithProperty().set(null));
        HBox historyButtons = new HBox(6, compare, noCompare);

        VBox side = new VBox(8, endpointsTitle, endpointList, endpointButtons, new Separator(), streamsTitle, streamBoxes, settings,
                new Separator(), historyTitle, history, historyButtons);
        side.getStyleClass().add("latency-side");
        side.setPrefWidth(330);
        side.setMinWidth(260);
        return side;
    }

    private static HBox row(String label, Node field) {
        Label l = new Label(label);
        l.setMinWidth(90);
        HBox h = new HBox(8, l, field);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-title");
        return l;
    }

    // ---- centre: verdicts, timeline, histogram, A/B ----

    private Node center() {
        verdicts.setId("latency-verdicts");
        verdicts.setItems(vm.verdicts());
        verdicts.setPlaceholder(new Label("Verdicts appear here as each stream finishes."));
        verdicts.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        verdicts.getStyleClass().add("latency-verdicts");
        vm.columns().addListener((ListChangeListener<String>) c -> verdictColumns());
        verdictColumns();

        ScrollPane timelineScroll = new ScrollPane(timeline);
        timelineScroll.setFitToWidth(true);
        timelineScroll.setId("latency-timeline");
        Label legend = new Label("Each line runs from when a frame was produced (hollow dot) to when it arrived (filled dot). "
                + "Straight down: prompt. Lines converging on the right: held back and delivered together. ▲ response headers, ┆ end of stream.");
        legend.setWrapText(true);
        legend.getStyleClass().add("muted");
        VBox timelineBox = new VBox(6, legend, timelineScroll);
        VBox.setVgrow(timelineScroll, Priority.ALWAYS);
        timelineBox.setPadding(new Insets(8));
        Tab timelineTab = new Tab("Timeline", timelineBox);
        timelineTab.setId("latency-tab-timeline");
        Tab histogramTab = new Tab("Histogram", histogramPane());
        histogramTab.setId("latency-tab-histogram");
        Tab abTab = new Tab("A/B", comparisonPane());
        abTab.setId("latency-tab-ab");
        tabs.getTabs().addAll(timelineTab, histogramTab, abTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("latency-tabs");

        SplitPane split = new SplitPane(verdicts, tabs);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.3);
        return split;
    }

    private void verdictColumns() {
        verdicts.getColumns().clear();
        TableColumn<VerdictRow, String> stream = new TableColumn<>("Stream");
        stream.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().stream().cliName()));
        stream.setPrefWidth(100);
        stream.setMaxWidth(140);
        verdicts.getColumns().add(stream);
        TableColumn<VerdictRow, String> rpc = new TableColumn<>("Call");
        rpc.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().call()));
        rpc.setPrefWidth(220);
        rpc.setMaxWidth(260);
        verdicts.getColumns().add(rpc);
        for (String col : vm.columns()) {
            TableColumn<VerdictRow, StreamResult> c = new TableColumn<>(col);
            c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().result(col)));
            c.setCellFactory(x -> new VerdictCell());
            c.setPrefWidth(260);
            c.setSortable(false);
            verdicts.getColumns().add(c);
        }
    }

    /** A verdict badge (tooltip: the reason) and the stream's first metric's p50. */
    private final class VerdictCell extends TableCell<VerdictRow, StreamResult> {
        @Override
        protected void updateItem(StreamResult r, boolean empty) {
            super.updateItem(r, empty);
            setText(null);
            setTooltip(null);
            if (empty || getTableRow() == null || getTableRow().getItem() == null) {
                setGraphic(null);
                return;
            }
            if (r == null) {
                Label l = new Label(vm.running() ? "probing…" : "—");
                l.getStyleClass().add("muted");
                setGraphic(l);
                return;
            }
            Label badge = badge(r.verdict());
            Label p50 = new Label(firstMetric(r));
            p50.getStyleClass().add("muted");
            HBox box = new HBox(8, badge, p50);
            box.setAlignment(Pos.CENTER_LEFT);
            setGraphic(box);
            Tooltip t = new Tooltip(r.verdict() + ": " + r.reason());
            t.setWrapText(true);
            t.setMaxWidth(520);
            t.setShowDelay(javafx.util.Duration.millis(250));
            setTooltip(t);
        }
    }

    static String firstMetric(StreamResult r) {
        for (Metric m : r.metrics())
            if (m.count() > 0) return String.format(Locale.ROOT, "%s p50 %s ms", m.name(), HistogramData.ms(m.p50Ms()));
        return "";
    }

    /** A verdict badge: PROMPT green, DELAYED amber, BUFFERED red, FAILED grey. */
    public static Label badge(Verdict v) {
        Label l = new Label(v.name());
        l.getStyleClass().addAll("badge", "verdict-" + v.name().toLowerCase(Locale.ROOT));
        Circle dot = new Circle(3.5);
        dot.getStyleClass().add("badge-dot");
        l.setGraphic(dot);
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private Node histogramPane() {
        ComboBox<MetricKey> metric = new ComboBox<>(vm.metricKeys());
        metric.setId("latency-metric");
        metric.valueProperty().bindBidirectional(vm.metricProperty());
        metric.setPromptText("Measurement");
        Label what = new Label("Distribution of the measurement over every trial, per endpoint; the table gives the report's percentiles.");
        what.getStyleClass().add("muted");
        what.setWrapText(true);
        HBox top = new HBox(10, new Label("Measurement"), metric, what);
        top.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(what, Priority.ALWAYS);
        histogramChart.setId("latency-histogram");
        histogramChart.setAnimated(false);
        histogramChart.setMinHeight(180);
        histogramChart.setCategoryGap(4);
        histogramChart.setBarGap(1);
        histogramChart.getXAxis().setLabel("ms");
        histogramChart.getYAxis().setLabel("trials");
        histogramChart.setLegendVisible(true);
        TableView<HistogramData.Series> percentiles = new TableView<>();
        percentiles.setId("latency-percentiles");
        percentiles.setPrefHeight(120);
        percentiles.setMinHeight(110);
        percentiles.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        percentiles.getColumns().add(col("Endpoint", 160, HistogramData.Series::column));
        percentiles.getColumns().add(col("N", 60, s -> Long.toString(s.metric() == null ? s.n() : s.metric().count())));
        percentiles.getColumns().add(col("p50 ms", 80, s -> pct(s.metric(), Metric::p50Ms)));
        percentiles.getColumns().add(col("p90 ms", 80, s -> pct(s.metric(), Metric::p90Ms)));
        percentiles.getColumns().add(col("p99 ms", 80, s -> pct(s.metric(), Metric::p99Ms)));
        percentiles.getColumns().add(col("max ms", 80, s -> pct(s.metric(), Metric::maxMs)));
        percentiles.getColumns().add(col("What is timed", 300, s -> s.metric() == null ? "" : s.metric().description()));
        percentiles.setPlaceholder(new Label("No measurement yet"));
        vm.histogramProperty().addListener((o, a, h) -> showHistogram(h, percentiles));
        showHistogram(vm.histogramProperty().get(), percentiles);
        VBox box = new VBox(8, top, histogramChart, percentiles);
        VBox.setVgrow(histogramChart, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    private static String pct(Metric m, java.util.function.ToDoubleFunction<Metric> f) {
        return m == null || m.count() == 0 ? "—" : HistogramData.ms(f.applyAsDouble(m));
    }

    private void showHistogram(HistogramData h, TableView<HistogramData.Series> percentiles) {
        histogramChart.getData().clear();
        if (h == null) {
            percentiles.getItems().clear();
            return;
        }
        histogramChart.setTitle(h.key().toString());
        for (HistogramData.Series s : h.series()) {
            XYChart.Series<String, Number> series = new XYChart.Series<>();
            series.setName(s.column());
            for (int i = 0; i < h.bins().size(); i++) series.getData().add(new XYChart.Data<>(h.bins().get(i), s.counts()[i]));
            histogramChart.getData().add(series);
        }
        percentiles.getItems().setAll(h.series());
    }

    private Node comparisonPane() {
        Label title = new Label();
        title.setId("latency-ab-title");
        title.textProperty().bind(vm.comparisonTitleProperty());
        title.setWrapText(true);
        TableView<Comparison> table = new TableView<>(vm.comparisons());
        table.setId("latency-ab");
        table.setPlaceholder(new Label("Add an endpoint (the same sandbox through a proxy) and run, or compare two runs of the history."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().add(col("Stream", 90, c -> c.stream().cliName()));
        table.getColumns().add(col("Metric", 80, Comparison::metric));
        table.getColumns().add(col("A", 130, Comparison::a));
        table.getColumns().add(col("p50 A ms", 90, c -> HistogramData.ms(c.p50A())));
        table.getColumns().add(col("B", 130, Comparison::b));
        table.getColumns().add(col("p50 B ms", 90, c -> HistogramData.ms(c.p50B())));
        TableColumn<Comparison, Comparison> ratio = new TableColumn<>("B / A");
        ratio.setId("latency-ab-ratio");
        ratio.setPrefWidth(90);
        ratio.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue()));
        ratio.setCellFactory(x -> new TableCell<>() {
            @Override
            protected void updateItem(Comparison c, boolean empty) {
                super.updateItem(c, empty);
                getStyleClass().removeAll("ratio-worse", "ratio-better");
                setText(empty || c == null ? null : ratio(c.ratio()));
                if (!empty && c != null && c.ratio() >= 1.5) getStyleClass().add("ratio-worse");
                if (!empty && c != null && c.ratio() > 0 && c.ratio() <= 1 / 1.5) getStyleClass().add("ratio-better");
            }
        });
        table.getColumns().add(ratio);
        TableColumn<Comparison, Comparison> verdictsCol = new TableColumn<>("Verdicts A → B");
        verdictsCol.setPrefWidth(220);
        verdictsCol.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue()));
        verdictsCol.setCellFactory(x -> new TableCell<>() {
            @Override
            protected void updateItem(Comparison c, boolean empty) {
                super.updateItem(c, empty);
                if (empty || c == null) {
                    setGraphic(null);
                    return;
                }
                HBox box = new HBox(6, badge(c.verdictA()), new Label("→"), badge(c.verdictB()));
                box.setAlignment(Pos.CENTER_LEFT);
                setGraphic(box);
            }
        });
        table.getColumns().add(verdictsCol);
        VBox box = new VBox(8, title, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        return box;
    }

    static String ratio(double r) {
        return r <= 0 ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    private static <T> TableColumn<T, String> col(String title, double width, Function<T, String> f) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }

    private Node statusBar() {
        Label notice = new Label();
        notice.setId("latency-notice");
        notice.textProperty().bind(vm.noticeProperty());
        HBox bar = new HBox(notice);
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    // ---- files ----

    private String baseName() {
        var r = vm.exportable();
        return r == null ? "latency-run" : "latency-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneId.systemDefault()).format(r.startedAt());
    }

    public CompletableFuture<Path> exportJson() {
        Path f = files.apply(root).save("Export the run as JSON", baseName() + ".json", "json");
        return f == null ? null : vm.exportJson(f);
    }

    public CompletableFuture<Path> exportCsv() {
        Path f = files.apply(root).save("Export the percentiles as CSV", baseName() + ".csv", "csv");
        return f == null ? null : vm.exportCsv(f);
    }

    /** The chart on show (the whole timeline, not only what is scrolled into view) as a PNG, written off the FX thread. */
    public CompletableFuture<Path> exportPng() {
        Path f = files.apply(root).save("Export the chart as PNG", baseName() + ".png", "png");
        if (f == null) return null;
        Node content = tabs.getSelectionModel().getSelectedIndex() == 0 ? timeline : tabs.getSelectionModel().getSelectedItem().getContent();
        SnapshotParameters p = new SnapshotParameters();
        p.setFill(Color.WHITE);
        WritableImage img = content.snapshot(p, null);
        BufferedImage buffered = SwingFXUtils.fromFXImage(img, null);
        return vm.exportWith(f, "PNG", () -> {
            if (!ImageIO.write(buffered, "png", f.toFile())) throw new java.io.IOException("no PNG writer");
        });
    }

    public CompletableFuture<RunEntry> openRun() {
        Path f = files.apply(root).open("Open an exported run (JSON)");
        return f == null ? null : vm.open(f);
    }

    // ---- cells ----

    /** Each agent's call for a stream kind ("envd: …", "execd: …"), or that it lacks one. */
    private static String tooltip(StreamKind k) {
        StringBuilder sb = new StringBuilder();
        for (Protocol p : Protocol.values())
            sb.append(sb.isEmpty() ? "" : "\n").append(p.agent()).append(": ").append(k.supports(p) ? k.rpc(p) : "(not offered)");
        return sb.toString();
    }

    private static final class ChoiceCell extends ListCell<SandboxChoice> {
        @Override
        protected void updateItem(SandboxChoice c, boolean empty) {
            super.updateItem(c, empty);
            if (empty || c == null) {
                setText(null);
                setTooltip(null);
                return;
            }
            setText(c.label());
            setDisable(false);
            setTooltip(c.whyNot() == null ? null : new Tooltip(c.whyNot()));
            setOpacity(c.whyNot() == null ? 1 : 0.55);
        }
    }

    private static final class RunCell extends ListCell<RunEntry> {
        RunCell() {
            setPrefWidth(0); // fit the list's width
        }

        @Override
        protected void updateItem(RunEntry e, boolean empty) {
            super.updateItem(e, empty);
            if (empty || e == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            Label title = new Label(e.title());
            title.getStyleClass().add("run-title");
            title.setMinWidth(0);
            String where = String.join(", ", e.report().endpoints().stream().map(x -> x.label()).toList());
            Label sub = new Label((e.origin() == RunEntry.Origin.OPENED ? "opened · " : e.origin() == RunEntry.Origin.SAVED ? "saved · " : "")
                    + (where.isEmpty() ? "no endpoint reached" : where) + String.format(Locale.ROOT, " · %.0f s", e.report().elapsedMs() / 1000));
            sub.getStyleClass().add("muted");
            sub.setMinWidth(0);
            VBox text = new VBox(1, title, sub);
            text.setMinWidth(0);
            HBox.setHgrow(text, Priority.ALWAYS);
            HBox box = new HBox(8, text, badge(e.report().overall()));
            box.setAlignment(Pos.CENTER_LEFT);
            setText(null);
            setGraphic(box);
            setTooltip(e.report().failure() == null ? null : new Tooltip("Stopped: " + e.report().failure()));
        }
    }

    /** Called before the sandbox list opens (the window refreshes the choices from the inventory). */
    public void beforeChoices(Runnable r) {
        beforeChoices = r;
    }

    public BorderPane view() {
        return root;
    }

    public TimelineChart timeline() {
        return timeline;
    }

    public TabPane tabs() {
        return tabs;
    }
}
