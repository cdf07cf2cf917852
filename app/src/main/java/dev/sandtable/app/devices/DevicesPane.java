package dev.sandtable.app.devices;

import atlantafx.base.theme.Styles;
import dev.sandtable.app.viewmodel.Availability;
import dev.sandtable.app.viewmodel.Formats;
import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.DeviceBackend;
import dev.sandtable.helper.HelperCapabilities;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;

import java.util.Locale;
import java.util.function.Function;

/**
 * The view of a {@link DevicesViewModel}: the helper's socket and state, what to do when it cannot be used, its
 * capabilities, the attached devices with attach and detach, and the {@link BenchPanel}.
 */
public final class DevicesPane {
    private final DevicesViewModel vm;
    private final VBox root = new VBox(12);
    private final TableView<AttachedDevice> table = new TableView<>();
    private final GridPane caps = new GridPane();
    private final BenchPanel bench;

    public DevicesPane(DevicesViewModel vm) {
        this.vm = vm;
        root.getStyleClass().add("devices-pane");
        root.setPadding(new Insets(14, 18, 14, 18));

        Label title = new Label("Devices");
        title.getStyleClass().add("page-title");
        Circle dot = new Circle(4.5);
        dot.getStyleClass().add("conn-dot");
        Label status = new Label();
        status.setId("devices-status");
        status.getStyleClass().add("muted");
        status.textProperty().bind(vm.statusTextProperty());
        status.setMinWidth(0);
        Runnable paintDot = () -> {
            dot.getStyleClass().removeIf(c -> c.startsWith("conn-") && !c.equals("conn-dot"));
            dot.getStyleClass().add(switch (vm.statusProperty().get()) {
                case CONNECTED -> "conn-connected";
                case UNREACHABLE -> "conn-disconnected";
                case UNKNOWN, CONNECTING -> "conn-connecting";
            });
        };
        vm.statusProperty().addListener((o, a, b) -> paintDot.run());
        paintDot.run();
        TextField socket = new TextField();
        socket.setId("devices-socket");
        socket.setPrefColumnCount(26);
        socket.setTooltip(new Tooltip("The helper's Unix socket; the app connects to it and never starts the root helper itself"));
        socket.textProperty().bindBidirectional(vm.socketProperty());
        socket.setOnAction(e -> vm.refresh());
        Button refresh = new Button("Refresh");
        refresh.setId("devices-refresh");
        refresh.setOnAction(e -> vm.refresh());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label socketLabel = new Label("Socket");
        for (Region r : new Region[]{title, socketLabel, refresh}) r.setMinWidth(Region.USE_PREF_SIZE);
        socket.setMinWidth(160);
        HBox header = new HBox(10, title, dot, status, spacer, socketLabel, socket, refresh);
        header.setAlignment(Pos.CENTER_LEFT);

        bench = new BenchPanel(vm);
        root.getChildren().addAll(header, problemBanner(), body(), bench.view(), footer());
        VBox.setVgrow(bench.view(), Priority.ALWAYS);
    }

    /** The connection problem, else the last operation's, with what to do; hidden when all is well. */
    private VBox problemBanner() {
        Label message = new Label();
        message.setId("devices-problem");
        message.setWrapText(true);
        message.getStyleClass().addAll(Styles.DANGER, "devices-problem");
        Label hint = new Label();
        hint.setId("devices-hint");
        hint.setWrapText(true);
        hint.getStyleClass().add("devices-hint");
        Button dismiss = new Button("Dismiss");
        dismiss.setId("devices-dismiss");
        dismiss.getStyleClass().add(Styles.SMALL);
        dismiss.setOnAction(e -> vm.dismissProblem());
        VBox box = new VBox(6, message, hint, dismiss);
        box.getStyleClass().add("devices-problem-box");
        box.setPadding(new Insets(10, 12, 10, 12));
        Runnable show = () -> {
            HelperProblem op = vm.operationProblemProperty().get(), conn = vm.connectionProblemProperty().get();
            HelperProblem p = op != null ? op : conn;
            box.setVisible(p != null);
            box.setManaged(p != null);
            dismiss.setVisible(op != null);
            dismiss.setManaged(op != null);
            message.setText(p == null ? "" : p.message());
            hint.setText(p == null || p.hint() == null ? "" : p.hint());
            hint.setVisible(p != null && p.hint() != null);
            hint.setManaged(hint.isVisible());
        };
        vm.operationProblemProperty().addListener((o, a, b) -> show.run());
        vm.connectionProblemProperty().addListener((o, a, b) -> show.run());
        show.run();
        return box;
    }

    private HBox body() {
        caps.setId("devices-caps");
        caps.setHgap(12);
        caps.setVgap(5);
        javafx.scene.layout.ColumnConstraints names = new javafx.scene.layout.ColumnConstraints();
        names.setMinWidth(Region.USE_PREF_SIZE);
        javafx.scene.layout.ColumnConstraints values = new javafx.scene.layout.ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setMinWidth(120);
        caps.getColumnConstraints().addAll(names, values);
        Label capsTitle = new Label("Capabilities");
        capsTitle.getStyleClass().add("section-title");
        VBox capsCard = new VBox(8, capsTitle, caps);
        capsCard.getStyleClass().add("devices-card");
        capsCard.setPrefWidth(380);
        capsCard.setMinWidth(260);
        vm.capabilitiesProperty().addListener((o, a, c) -> showCaps(c));
        showCaps(vm.capabilitiesProperty().get());

        Label devicesTitle = new Label("Attached devices");
        devicesTitle.getStyleClass().add("section-title");
        Button attach = new Button("Attach image…");
        attach.setId("devices-attach");
        attach.getStyleClass().add(Styles.ACCENT);
        attach.setOnAction(e -> AttachDialog.show(root.getScene().getWindow(), vm).ifPresent(vm::attach));
        Button detach = new Button("Detach");
        detach.setId("devices-detach");
        detach.setOnAction(e -> {
            AttachedDevice d = table.getSelectionModel().getSelectedItem();
            if (d != null) vm.detach(d);
        });
        var connected = Bindings.createBooleanBinding(() -> vm.statusProperty().get() == DevicesViewModel.Status.CONNECTED, vm.statusProperty());
        attach.disableProperty().bind(connected.not());
        detach.disableProperty().bind(connected.not().or(table.getSelectionModel().selectedItemProperty().isNull()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, devicesTitle, spacer, attach, detach);
        bar.setAlignment(Pos.CENTER_LEFT);

        table.setId("devices-table");
        table.setItems(vm.devices());
        Label empty = new Label("No devices attached. Attach an image, or a local snapshot from the Snapshots table.");
        empty.getStyleClass().add("empty-hint");
        empty.setWrapText(true);
        table.setPlaceholder(empty);
        table.getColumns().add(column("ID", 46, d -> String.valueOf(d.id())));
        table.getColumns().add(column("Device", 110, AttachedDevice::devicePath));
        table.getColumns().add(column("Backend", 84, d -> d.backend().name().toLowerCase(Locale.ROOT)));
        table.getColumns().add(column("Mode", 150, d -> (d.mode() == AttachMode.COPY_ON_WRITE ? "copy-on-write" : "read-only")
                + (d.directIo() ? ", direct" : "")));
        table.getColumns().add(column("Size", 80, d -> Formats.bytes(d.sizeBytes())));
        table.getColumns().add(column("Ready in", 90, d -> LatencyHistogram.format(d.readyTime())));
        table.getColumns().add(column("State", 80, AttachedDevice::state));
        table.getColumns().add(column("Image", 260, AttachedDevice::image));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPrefHeight(190);
        VBox devices = new VBox(8, bar, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        HBox.setHgrow(devices, Priority.ALWAYS);
        devices.getStyleClass().add("devices-card");
        HBox body = new HBox(14, capsCard, devices);
        body.setMinHeight(230);
        return body;
    }

    private void showCaps(HelperCapabilities c) {
        caps.getChildren().clear();
        if (c == null) {
            Label none = new Label("Unknown until the helper answers.");
            none.getStyleClass().add("muted");
            caps.add(none, 0, 0, 2, 1);
            return;
        }
        int r = 0;
        capRow(r++, "Helper", c.server() + " · protocol " + c.protocolVersion(), null);
        capRow(r++, "Kernel", c.kernel(), null);
        capRow(r++, "Root", yes(c.root()), c.root() ? null : "The helper does not run as root: attaching needs it");
        capRow(r++, "io_uring", yes(c.ioUring()) + (c.uringCmd() ? " (URING_CMD)" : ""), c.ioUring() ? null : "Benchmarks need io_uring");
        Availability ublk = vm.backendChoice(DeviceBackend.UBLK);
        capRow(r++, "ublk", c.ublk() ? "yes (features 0x" + Long.toHexString(c.ublkFeatures()) + ")" : "no", ublk.reason());
        capRow(r++, "loop", yes(c.loop()), vm.backendChoice(DeviceBackend.LOOP).reason());
        capRow(r++, "openat2", yes(c.openat2()), null);
        capRow(r++, "Attaches with", c.preferredBackend() == null ? "nothing" : c.preferredBackend().name().toLowerCase(Locale.ROOT), null);
        capRow(r, "Image folders", c.imageDirectories().isEmpty() ? "none (images are passed as open files)"
                : String.join("\n", c.imageDirectories()), null);
    }

    private void capRow(int r, String name, String value, String why) {
        Label n = new Label(name);
        n.getStyleClass().add("prop-name");
        n.setMinWidth(Region.USE_PREF_SIZE);
        Label v = new Label(value);
        v.getStyleClass().add("prop-value");
        v.setId("cap-" + name.toLowerCase(Locale.ROOT).replace(' ', '-').replace("_", ""));
        v.setWrapText(true);
        v.setMaxWidth(Double.MAX_VALUE);
        v.setTooltip(new Tooltip(why == null ? value : value + "\n" + why));
        if (why != null) {
            v.getStyleClass().add(Styles.WARNING);
        }
        caps.addRow(r, n, v);
    }

    private HBox footer() {
        Label info = new Label();
        info.setId("devices-info");
        info.getStyleClass().add("muted");
        info.textProperty().bind(Bindings.createStringBinding(() -> vm.busyTextProperty().get().isEmpty() ? vm.lastInfoProperty().get()
                : vm.busyTextProperty().get(), vm.busyTextProperty(), vm.lastInfoProperty()));
        return new HBox(info);
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    private static TableColumn<AttachedDevice, String> column(String title, double width, Function<AttachedDevice, String> f) {
        TableColumn<AttachedDevice, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }

    public VBox view() {
        return root;
    }

    public TableView<AttachedDevice> table() {
        return table;
    }

    public BenchPanel bench() {
        return bench;
    }
}
