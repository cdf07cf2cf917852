package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.BackendViewModel;
import dev.sandtable.app.viewmodel.LiveTable;
import dev.sandtable.app.viewmodel.WindowViewModel;
import dev.sandtable.model.ResourceKind;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.shape.Circle;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Backends with their connection state, and the resource views with live counts. */
final class Sidebar {
    private final VBox root;
    private final WindowViewModel vm;
    private final Map<ResourceKind, ToggleButton> nav = new EnumMap<>(ResourceKind.class);
    private final ToggleGroup group = new ToggleGroup();

    Sidebar(VBox root, WindowViewModel vm) {
        this.root = root;
        this.vm = vm;
        root.getStyleClass().add("sidebar");
        Label brand = new Label("Sandtable");
        brand.getStyleClass().add("brand");
        brand.setGraphic(Icons.app(24));
        Label tagline = new Label("sandboxes · pools · snapshots");
        tagline.getStyleClass().add("brand-tagline");
        VBox backends = new VBox(2);
        backends.setId("sidebar-backends");
        root.getChildren().addAll(new VBox(0, brand, tagline), section("BACKENDS"), backends);
        Runnable listBackends = () -> backends.getChildren().setAll(vm.inventory().backends().stream().map(this::backend).toList());
        vm.inventory().backends().addListener((javafx.collections.ListChangeListener<BackendViewModel>) c -> listBackends.run());
        vm.selectedBackendProperty().addListener((o, a, b) -> listBackends.run());
        listBackends.run();
        root.getChildren().addAll(section("DEVICES"), helperRow(vm.devices()));
        root.getChildren().add(section("RESOURCES"));
        addNav(ResourceKind.SANDBOX, "Sandboxes", "Shortcut+1", vm.inventory().sandboxes(), "sandbox");
        addNav(ResourceKind.POOL, "Pools", "Shortcut+2", vm.inventory().pools(), "pool");
        addNav(ResourceKind.SNAPSHOT, "Snapshots", "Shortcut+3", vm.inventory().snapshots(), "snapshot");
        addNav(ResourceKind.TEMPLATE, "Templates", "Shortcut+4", vm.inventory().templates(), "template");
        Region spacer = new Region();
        VBox.setVgrow(spacer, Priority.ALWAYS);
        Label hint = new Label("Ctrl+K  Command palette");
        hint.getStyleClass().add("sidebar-hint");
        root.getChildren().addAll(spacer, hint);
        group.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) a.setSelected(true); // a nav item cannot be unselected
        });
        vm.currentViewProperty().addListener((o, a, k) -> nav.get(k).setSelected(true));
        nav.get(vm.currentViewProperty().get()).setSelected(true);
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("sidebar-section");
        return l;
    }

    private HBox backend(BackendViewModel b) {
        Circle dot = new Circle(4.5);
        dot.getStyleClass().add("conn-dot");
        Label name = new Label(b.displayName());
        name.getStyleClass().add("backend-name");
        Label status = new Label();
        status.getStyleClass().add("backend-status");
        status.setId("backend-status-" + b.id());
        javafx.scene.control.Hyperlink retry = new javafx.scene.control.Hyperlink("Retry");
        retry.getStyleClass().add("backend-retry");
        retry.setId("backend-retry-" + b.id().replaceAll("[^A-Za-z0-9_-]", "_"));
        retry.setOnAction(e -> b.backend().reconnect()); // never blocks: the backend reconnects on its own thread
        VBox text = new VBox(1, name, status, retry);
        HBox row = new HBox(8, dot, text);
        javafx.scene.image.ImageView kindIcon = Icons.backend(b.info().kind());
        if (kindIcon != null) row.getChildren().add(1, kindIcon);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("backend-item");
        Tooltip tip = new Tooltip();
        Tooltip.install(row, tip);
        Runnable render = () -> {
            dot.getStyleClass().removeIf(c -> c.startsWith("conn-") && !c.equals("conn-dot"));
            dot.getStyleClass().add(Badges.connectionStyle(b.state()));
            name.setText(b.displayName());
            status.setText(BackendViewModel.describe(b.state(), b.messageProperty().get()));
            status.setWrapText(true);
            boolean canRetry = b.state() == dev.sandtable.spi.ConnectionState.DISCONNECTED
                    && b.info().kind() == dev.sandtable.spi.BackendKind.KUBERNETES;
            retry.setVisible(canRetry);
            retry.setManaged(canRetry);
            tip.setText(b.displayName() + " · " + b.info().kind().name().toLowerCase(Locale.ROOT) + " · " + b.info().endpoint());
        };
        b.stateProperty().addListener((o, x, y) -> render.run());
        b.messageProperty().addListener((o, x, y) -> render.run());
        render.run();
        row.setOnMouseClicked(e -> vm.selectedBackendProperty().set(b));
        if (b.info().kind() == dev.sandtable.spi.BackendKind.KUBERNETES) {
            javafx.scene.control.MenuItem ns = new javafx.scene.control.MenuItem("Namespace…");
            ns.setOnAction(e -> {
                String current = b.displayName().contains(" · ") ? b.displayName().substring(b.displayName().indexOf(" · ") + 3) : "";
                javafx.scene.control.TextInputDialog d = new javafx.scene.control.TextInputDialog(current);
                d.setTitle("Namespace");
                d.setHeaderText("Which namespace of " + b.displayName().split(" · ")[0] + " to show");
                d.showAndWait().ifPresent(chosen -> vm.useNamespace(b, chosen));
            });
            javafx.scene.control.ContextMenu menu = new javafx.scene.control.ContextMenu(ns);
            row.setOnContextMenuRequested(e -> menu.show(row, e.getScreenX(), e.getScreenY()));
        }
        row.setId("backend-item-" + b.displayName().replaceAll("[^A-Za-z0-9_-]", "_"));
        row.pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("selected"),
                vm.inventory().backends().size() > 1 && vm.selectedBackendProperty().get() == b);
        return row;
    }

    /** The native helper like a backend: a dot, what it has attached or why it cannot be used; a click opens Devices. */
    private HBox helperRow(dev.sandtable.app.devices.DevicesViewModel d) {
        Circle dot = new Circle(4.5);
        dot.getStyleClass().add("conn-dot");
        Label name = new Label("Native helper");
        name.getStyleClass().add("backend-name");
        Label status = new Label();
        status.getStyleClass().add("backend-status");
        status.setId("sidebar-devices-status");
        HBox row = new HBox(10, dot, new VBox(1, name, status));
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("backend-item");
        row.setId("sidebar-devices");
        Tooltip tip = new Tooltip();
        Tooltip.install(row, tip);
        Runnable render = () -> {
            var st = d.statusProperty().get();
            dot.getStyleClass().removeIf(c -> c.startsWith("conn-") && !c.equals("conn-dot"));
            dot.getStyleClass().add(Badges.connectionStyle(switch (st) {
                case CONNECTED -> dev.sandtable.spi.ConnectionState.CONNECTED;
                case UNREACHABLE -> dev.sandtable.spi.ConnectionState.DISCONNECTED;
                case UNKNOWN, CONNECTING -> dev.sandtable.spi.ConnectionState.CONNECTING;
            }));
            int n = d.devices().size();
            status.setText(switch (st) {
                case CONNECTED -> n == 0 ? "no devices attached" : n == 1 ? "1 device attached" : n + " devices attached";
                case UNREACHABLE -> "not available";
                case UNKNOWN, CONNECTING -> "checking…";
            });
            tip.setText(d.statusTextProperty().get() + "\nDevices: attach images, run IO benchmarks  (Ctrl+Alt+D)");
        };
        d.statusProperty().addListener((o, a, b) -> render.run());
        d.statusTextProperty().addListener((o, a, b) -> render.run());
        d.devices().addListener((javafx.collections.ListChangeListener<Object>) c -> render.run());
        render.run();
        row.setOnMouseClicked(e -> dev.sandtable.app.devices.DevicesWindow.open(d));
        return row;
    }

    private void addNav(ResourceKind kind, String title, String shortcut, LiveTable<?> table, String icon) {
        Label name = new Label(title);
        name.setGraphic(Icons.small(icon));
        name.setGraphicTextGap(8);
        Label count = new Label();
        count.getStyleClass().add("nav-count");
        count.textProperty().bind(table.totalProperty().asString("%,d"));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox g = new HBox(8, name, spacer, count);
        g.setAlignment(Pos.CENTER_LEFT);
        ToggleButton b = new ToggleButton();
        b.setGraphic(g);
        g.prefWidthProperty().bind(b.widthProperty().subtract(28));
        b.setToggleGroup(group);
        b.getStyleClass().add("nav-item");
        b.setId("nav-" + kind.name().toLowerCase(Locale.ROOT));
        b.setMaxWidth(Double.MAX_VALUE);
        b.setTooltip(new Tooltip(title + "  (" + shortcut.replace("Shortcut", "Ctrl") + ")"));
        b.setOnAction(e -> vm.currentViewProperty().set(kind));
        b.setFocusTraversable(false);
        nav.put(kind, b);
        root.getChildren().add(b);
    }
}
