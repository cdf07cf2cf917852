package dev.sandtable.app.watch;

import dev.sandtable.spi.FsEvent;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The view of a {@link WatchViewModel}: path and controls, the stream's state, counters, and the event table. */
public final class WatchPane {
    /** A row marking a stretch in which events may be missing (watch.css draws it as a warning). */
    static final javafx.css.PseudoClass GAP = javafx.css.PseudoClass.getPseudoClass("gap");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private final WatchViewModel vm;
    private final VBox root = new VBox(8);
    private final TableView<WatchRow> table = new TableView<>();

    public WatchPane(WatchViewModel vm) {
        this.vm = vm;
        TextField path = new TextField();
        path.setId("watch-path");
        path.textProperty().bindBidirectional(vm.pathProperty());
        path.setPromptText("Directory in the sandbox");
        HBox.setHgrow(path, Priority.ALWAYS);
        CheckBox recursive = new CheckBox("Recursive");
        recursive.setId("watch-recursive");
        recursive.selectedProperty().bindBidirectional(vm.recursiveProperty());
        Button start = new Button("Start");
        start.setId("watch-start");
        start.setDefaultButton(true);
        start.setOnAction(e -> vm.start());
        Button stop = new Button("Stop");
        stop.setId("watch-stop");
        stop.setOnAction(e -> vm.stop());
        stop.disableProperty().bind(Bindings.createBooleanBinding(() -> switch (vm.statusProperty().get()) {
            case LIVE, CONNECTING, RECONNECTING -> false;
            default -> true;
        }, vm.statusProperty()));
        Button clear = new Button("Clear");
        clear.setOnAction(e -> vm.clear());
        HBox controls = new HBox(8, path, recursive, start, stop, clear);
        controls.setAlignment(Pos.CENTER_LEFT);

        Label status = new Label();
        status.setId("watch-status");
        status.textProperty().bind(vm.statusTextProperty());
        Label counters = new Label();
        counters.setId("watch-counters");
        counters.textProperty().bind(Bindings.createStringBinding(vm::countersText, vm.totalProperty()));
        TextField filter = new TextField();
        filter.setId("watch-filter");
        filter.setPromptText("Filter paths");
        filter.textProperty().bindBidirectional(vm.filterProperty());
        ComboBox<FsEvent.FsEventType> type = new ComboBox<>();
        type.getItems().add(null);
        type.getItems().addAll(FsEvent.FsEventType.values());
        type.setPromptText("All types");
        type.valueProperty().bindBidirectional(vm.typeFilterProperty());
        type.setButtonCell(new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(FsEvent.FsEventType t, boolean empty) {
                super.updateItem(t, empty);
                setText(t == null ? "All types" : t.name().toLowerCase(Locale.ROOT));
            }
        });
        HBox info = new HBox(12, status, counters);
        info.setAlignment(Pos.CENTER_LEFT);
        HBox filters = new HBox(8, filter, type);
        HBox.setHgrow(filter, Priority.ALWAYS);

        table.setId("watch-events");
        table.setItems(vm.visible());
        table.setPlaceholder(new Label("No events yet: start a watch, then change files in the directory."));
        table.getColumns().add(column("Arrived", 110, e -> TIME.format(e.arrivedAt())));
        table.getColumns().add(column("Type", 80, e -> e.type() == null ? "gap" : e.type().name().toLowerCase(Locale.ROOT)));
        TableColumn<WatchRow, String> pathCol = column("Path", 420, WatchRow::path);
        table.getColumns().add(pathCol);
        table.getColumns().add(column("Latency", 90, e -> e.latency() == null ? "—" : WatchViewModel.millis(e.latency())));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setRowFactory(t -> new javafx.scene.control.TableRow<>() {
            @Override
            protected void updateItem(WatchRow row, boolean empty) {
                super.updateItem(row, empty);
                pseudoClassStateChanged(GAP, !empty && row instanceof WatchRow.Gap);
            }
        });
        VBox.setVgrow(table, Priority.ALWAYS);
        vm.visible().addListener((ListChangeListener<WatchRow>) c -> {
            if (vm.followTailProperty().get() && !vm.visible().isEmpty()) table.scrollTo(vm.visible().size() - 1);
        });
        table.skinProperty().addListener((o, a, b) -> wireScrollBar());
        // A wheel turned up pauses following at once, even before the scroll bar has moved.
        table.addEventFilter(javafx.scene.input.ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() > 0) vm.followTailProperty().set(false);
        });

        root.getChildren().addAll(controls, info, filters, table);
        root.setPadding(new Insets(10));
        root.getStyleClass().add("watch-pane");
        root.getStylesheets().add(WatchPane.class.getResource("watch.css").toExternalForm());
    }

    /** Scrolling up pauses following; scrolling back to the bottom resumes it. */
    private void wireScrollBar() {
        for (var n : table.lookupAll(".scroll-bar")) {
            if (n instanceof ScrollBar sb && sb.getOrientation() == Orientation.VERTICAL) {
                sb.valueProperty().addListener((o, a, b) -> {
                    if (b.doubleValue() < a.doubleValue()) vm.followTailProperty().set(false);
                    else if (b.doubleValue() >= sb.getMax() - 1e-6) vm.followTailProperty().set(true);
                });
            }
        }
    }

    private static TableColumn<WatchRow, String> column(String title, double width, java.util.function.Function<WatchRow, String> f) {
        TableColumn<WatchRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }

    public VBox view() {
        return root;
    }

    public TableView<WatchRow> table() {
        return table;
    }
}
