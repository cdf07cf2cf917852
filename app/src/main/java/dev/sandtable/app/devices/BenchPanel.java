package dev.sandtable.app.devices;

import atlantafx.base.theme.Styles;
import dev.sandtable.app.viewmodel.Formats;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.BenchRequest;
import dev.sandtable.helper.BenchResult;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The IO benchmark: target (an attached device, or a file in the helper's image folders), pattern, direction, block
 * size, queue depth, duration and O_DIRECT; the results as IOPS, MB/s, p50/p90/p99/max and a latency histogram.
 */
public final class BenchPanel {
    /** A device the helper attached, or "a file" (the path field below). */
    record Target(AttachedDevice device) {
        @Override
        public String toString() {
            return device == null ? "A file in an image folder…" : device.devicePath() + " (device " + device.id() + ")";
        }
    }

    static final int HISTOGRAM_BINS = 24;
    private static final List<Integer> BLOCK_SIZES = List.of(512, 4096, 16384, 65536, 131072, 1 << 20, 4 << 20);

    private final DevicesViewModel vm;
    private final VBox root = new VBox(10);
    private final ComboBox<Target> target = new ComboBox<>();
    private final TextField file = new TextField();
    private final ChoiceBox<String> pattern = new ChoiceBox<>(FXCollections.observableArrayList("Random", "Sequential"));
    private final ChoiceBox<String> direction = new ChoiceBox<>(FXCollections.observableArrayList("Read", "Write"));
    private final ComboBox<Integer> blockSize = new ComboBox<>(FXCollections.observableArrayList(BLOCK_SIZES));
    private final Spinner<Integer> depth = new Spinner<>(1, 1024, 32);
    private final Spinner<Integer> seconds = new Spinner<>(1, 600, 2);
    private final CheckBox direct = new CheckBox("O_DIRECT");
    private final BarChart<String, Number> chart = new BarChart<>(new CategoryAxis(), new NumberAxis());

    public BenchPanel(DevicesViewModel vm) {
        this.vm = vm;
        root.getStyleClass().addAll("devices-card", "bench-panel");
        root.setId("bench-panel");
        Label title = new Label("IO benchmark");
        title.getStyleClass().add("section-title");
        Label info = new Label("io_uring in the helper, per-IO latency from submission to completion");
        info.getStyleClass().add("muted");
        HBox heading = new HBox(10, title, info);
        heading.setAlignment(Pos.BASELINE_LEFT);

        target.setId("bench-target");
        target.setPrefWidth(230);
        file.setId("bench-file");
        file.setPromptText("file in the helper's image folder");
        file.setPrefColumnCount(18);
        HBox.setHgrow(file, Priority.ALWAYS);
        file.disableProperty().bind(Bindings.createBooleanBinding(() -> target.getValue() == null || target.getValue().device() != null,
                target.valueProperty()));
        vm.devices().addListener((ListChangeListener<AttachedDevice>) c -> listTargets());
        listTargets();

        pattern.setId("bench-pattern");
        pattern.setValue("Random");
        direction.setId("bench-rw");
        direction.setValue("Read");
        blockSize.setId("bench-bs");
        blockSize.setValue(4096);
        blockSize.setConverter(new StringConverter<>() {
            @Override
            public String toString(Integer n) {
                return n == null ? "" : Formats.bytes(n);
            }

            @Override
            public Integer fromString(String s) {
                return BLOCK_SIZES.stream().filter(b -> Formats.bytes(b).equals(s)).findFirst().orElse(4096);
            }
        });
        depth.setId("bench-qd");
        depth.setEditable(true);
        depth.setPrefWidth(90);
        seconds.setId("bench-seconds");
        seconds.setEditable(true);
        seconds.setPrefWidth(80);
        direct.setId("bench-direct");
        direct.setSelected(true);
        Button run = new Button("Run");
        run.setId("bench-run");
        run.getStyleClass().add(Styles.ACCENT);
        run.setOnAction(e -> run());
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(16, 16);
        spinner.setMaxSize(16, 16);
        spinner.visibleProperty().bind(vm.benchRunningProperty());
        run.disableProperty().bind(vm.benchRunningProperty().or(Bindings.createBooleanBinding(
                () -> vm.statusProperty().get() != DevicesViewModel.Status.CONNECTED, vm.statusProperty())));
        HBox form1 = new HBox(8, new Label("Target"), target, file);
        form1.setAlignment(Pos.CENTER_LEFT);
        HBox form2 = new HBox(8, pattern, direction, new Label("Block"), blockSize, new Label("Queue depth"), depth,
                new Label("Seconds"), seconds, direct, run, spinner);
        form2.setAlignment(Pos.CENTER_LEFT);

        Label summary = new Label();
        summary.setId("bench-summary");
        summary.getStyleClass().add("muted");
        summary.textProperty().bind(vm.benchTextProperty());
        HBox metrics = new HBox(18, metric("IOPS", "bench-iops", r -> String.format(Locale.ROOT, "%,.0f", r.iops())),
                metric("MB/s", "bench-mbps", r -> String.format(Locale.ROOT, "%,.1f", r.megabytesPerSecond())),
                metric("p50", "bench-p50", r -> LatencyHistogram.format(r.latencyP50())),
                metric("p90", "bench-p90", r -> LatencyHistogram.format(r.latencyP90())),
                metric("p99", "bench-p99", r -> LatencyHistogram.format(r.latencyP99())),
                metric("max", "bench-max", r -> LatencyHistogram.format(r.latencyMax())));

        chart.setId("bench-chart");
        chart.setLegendVisible(false);
        chart.setAnimated(false);
        chart.getXAxis().setAnimated(false); // an animated category axis leaves the new bars undrawn when the categories change
        chart.getYAxis().setAnimated(false);
        chart.setCategoryGap(1);
        chart.setBarGap(0);
        chart.setTitle("Latency histogram (estimated from the percentiles)");
        chart.getXAxis().setLabel("latency, up to");
        chart.getYAxis().setLabel("% of IOs");
        chart.setMinHeight(180);
        VBox.setVgrow(chart, Priority.ALWAYS);
        vm.benchResultProperty().addListener((o, a, r) -> plot(r));
        plot(vm.benchResultProperty().get());

        root.getChildren().addAll(heading, form1, form2, metrics, summary, chart);
    }

    private void listTargets() {
        Target was = target.getValue();
        boolean hadDevices = target.getItems().stream().anyMatch(t -> t.device() != null);
        List<Target> items = new java.util.ArrayList<>(vm.devices().stream().map(Target::new).toList());
        items.add(new Target(null));
        target.getItems().setAll(items);
        Target keep = was == null || !hadDevices ? null : items.stream().filter(t -> t.device() == null ? was.device() == null
                : was.device() != null && t.device().id() == was.device().id()).findFirst().orElse(null);
        target.setValue(keep != null ? keep : items.getFirst());
    }

    private VBox metric(String name, String id, java.util.function.Function<BenchResult, String> f) {
        Label value = new Label("—");
        value.setId(id);
        value.getStyleClass().add("bench-metric");
        value.textProperty().bind(Bindings.createStringBinding(() -> vm.benchResultProperty().get() == null ? "—"
                : f.apply(vm.benchResultProperty().get()), vm.benchResultProperty()));
        Label label = new Label(name);
        label.getStyleClass().add("muted");
        return new VBox(1, value, label);
    }

    private void plot(BenchResult r) {
        chart.getData().clear();
        if (r == null) return;
        XYChart.Series<String, Number> s = new XYChart.Series<>();
        for (LatencyHistogram.Bin b : LatencyHistogram.of(r, HISTOGRAM_BINS)) s.getData().add(new XYChart.Data<>(b.label(), b.fraction() * 100));
        chart.getData().add(s);
    }

    /** Reads the form and starts the benchmark; a bad field shows as the view's problem. */
    void run() {
        Target t = target.getValue();
        BenchRequest.Target what;
        if (t != null && t.device() != null) {
            what = new BenchRequest.DeviceTarget(t.device().id());
        } else {
            try {
                what = file.getText().isBlank() ? null : new BenchRequest.FileTarget(Path.of(file.getText().trim()));
            } catch (InvalidPathException e) {
                what = null;
            }
        }
        vm.bench(new BenchSettings(what, "Random".equals(pattern.getValue()), "Write".equals(direction.getValue()),
                blockSize.getValue() == null ? 4096 : blockSize.getValue(), depth.getValue(), Duration.ofSeconds(seconds.getValue()),
                direct.isSelected())).exceptionally(e -> null);
    }

    public VBox view() {
        return root;
    }

    public BarChart<String, Number> chart() {
        return chart;
    }
}
