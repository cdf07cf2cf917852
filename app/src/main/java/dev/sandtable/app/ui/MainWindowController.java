package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.ActivityEntry;
import dev.sandtable.app.viewmodel.BackendViewModel;
import dev.sandtable.app.viewmodel.FilterModel;
import dev.sandtable.app.viewmodel.OperationRunner;
import dev.sandtable.app.viewmodel.PaletteEntry;
import dev.sandtable.app.viewmodel.SandtableAction;
import dev.sandtable.app.viewmodel.WindowViewModel;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.spi.ConnectionState;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.controlsfx.control.CheckComboBox;
import org.controlsfx.control.textfield.TextFields;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/** Wires the FXML layout to the {@link WindowViewModel}; owns the per-pulse pump that applies backend events. */
public final class MainWindowController {
    /** Most events applied in one pulse; the rest wait for the next one so a burst never stalls a frame. */
    static final int MAX_EVENTS_PER_PULSE = 20_000;

    @FXML private BorderPane root;
    @FXML private MenuBar menuBar;
    @FXML private VBox sidebar;
    @FXML private StackPane overlayHost;
    @FXML private SplitPane verticalSplit;
    @FXML private StackPane pageHost;
    @FXML private VBox detailsHost;
    @FXML private VBox activityHost;
    @FXML private Label activityCount;
    @FXML private ListView<ActivityEntry> activityList;
    @FXML private VBox toastHost;
    @FXML private Label summaryLabel;
    @FXML private HBox taskArea;
    @FXML private ProgressIndicator taskSpinner;
    @FXML private Label taskLabel;
    @FXML private Label connectionLabel;

    private final WindowViewModel vm;
    private final Stage stage;
    private ActionController actions;
    private CommandPalette palette;
    private Tables tables;
    private final Map<ResourceKind, Node> pages = new EnumMap<>(ResourceKind.class);
    private final Map<ResourceKind, TextField> filterFields = new EnumMap<>(ResourceKind.class);
    private ResourceTable<?>[] resourceTables;
    private ToastNotifier notifier;
    private AnimationTimer pump;
    private LongConsumer batchTimeListener = n -> { };
    private double activityDivider = 0.74;

    public MainWindowController(WindowViewModel vm, Stage stage) {
        this.vm = vm;
        this.stage = stage;
    }

    /** The notifier the view model reports through; created before the view model's first operation. */
    public ToastNotifier notifier() {
        return notifier;
    }

    @FXML
    private void initialize() {
        notifier = new ToastNotifier(toastHost);
        toastHost.setPickOnBounds(false);
        StackPane.setMargin(toastHost, new javafx.geometry.Insets(12, 16, 0, 0));
    }

    /** Second phase: needs the notifier wired into the view model. */
    void build(Scene scene) {
        Dialogs dialogs = new Dialogs(stage);
        actions = new ActionController(vm, dialogs, notifier);
        tables = new Tables(vm);
        new Sidebar(sidebar, vm);
        var sandboxes = tables.sandboxes();
        var pools = tables.pools();
        var snapshots = tables.snapshots();
        var templates = tables.templates();
        resourceTables = new ResourceTable<?>[]{sandboxes, pools, snapshots, templates};
        pages.put(ResourceKind.SANDBOX, page(ResourceKind.SANDBOX, "Sandboxes", sandboxes, vm.sandboxFilter(),
                stateFilter(vm.sandboxFilter(), SandboxState.values()), List.of(SandtableAction.CREATE_SANDBOX),
                List.of(SandtableAction.PAUSE, SandtableAction.RESUME, SandtableAction.SNAPSHOT, SandtableAction.DESTROY)));
        pages.put(ResourceKind.POOL, page(ResourceKind.POOL, "Pools", pools, vm.poolFilter(), null, List.of(SandtableAction.CREATE_POOL),
                List.of(SandtableAction.CLAIM, SandtableAction.RESIZE_POOL, SandtableAction.DELETE_POOL)));
        pages.put(ResourceKind.SNAPSHOT, page(ResourceKind.SNAPSHOT, "Snapshots", snapshots, vm.snapshotFilter(),
                stateFilter(vm.snapshotFilter(), SnapshotState.values()), List.of(),
                List.of(SandtableAction.RESTORE, SandtableAction.MAKE_TEMPLATE, SandtableAction.DELETE_SNAPSHOT)));
        pages.put(ResourceKind.TEMPLATE, page(ResourceKind.TEMPLATE, "Templates", templates, vm.templateFilter(), null, List.of(),
                List.of(SandtableAction.CREATE_FROM_TEMPLATE, SandtableAction.DELETE_TEMPLATE)));
        pageHost.getChildren().setAll(pages.values());
        showPage(vm.currentViewProperty().get());
        vm.currentViewProperty().addListener((o, a, k) -> showPage(k));

        DetailsPane details = new DetailsPane(vm, actions, tables);
        detailsHost.getChildren().setAll(details.view());
        VBox.setVgrow(details.view(), Priority.ALWAYS);
        detailsHost.getStyleClass().add("details-host");

        activityList.setItems(vm.inventory().activity().entries());
        activityList.setCellFactory(l -> new ActivityCell(true));
        activityList.setId("activity");
        Label none = new Label("Nothing happened yet. Create a sandbox (Ctrl+N) and watch its lifecycle here.");
        none.getStyleClass().add("empty-hint");
        activityList.setPlaceholder(none);
        vm.inventory().activity().entries().addListener((ListChangeListener<ActivityEntry>) c -> {
            int n = activityList.getItems().size();
            activityCount.setText(n + (n == 1 ? " event" : " events"));
            if (n > 0) activityList.scrollTo(n - 1);
        });
        activityCount.setText("0 events");

        palette = new CommandPalette(vm, this::choose);
        palette.setOnClose(this::focusCurrentTable);
        overlayHost.getChildren().add(palette.view());

        buildMenus();
        buildStatusBar();
        wireRefresh();
        scene.getAccelerators().put(Shortcuts.parse("Shortcut+K"), this::togglePalette);
        scene.getAccelerators().put(Shortcuts.parse("Shortcut+F"), () -> {
            TextField f = filterFields.get(vm.currentViewProperty().get());
            f.requestFocus();
            f.selectAll();
        });
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == javafx.scene.input.KeyCode.ESCAPE && !palette.isShowing()
                    && scene.getFocusOwner() instanceof TextField tf && filterFields.containsValue(tf)) {
                if (!tf.getText().isEmpty()) tf.clear();
                else focusCurrentTable();
                e.consume();
            }
        });
        startPump();
        actions.refresh();
        refreshStatus();
        Platform.runLater(this::focusCurrentTable);
    }

    private void wireRefresh() {
        Runnable r = () -> actions.refresh();
        vm.currentViewProperty().addListener((o, a, b) -> r.run());
        vm.selectedSandboxProperty().addListener((o, a, b) -> r.run());
        vm.selectedPoolProperty().addListener((o, a, b) -> r.run());
        vm.selectedSnapshotProperty().addListener((o, a, b) -> r.run());
        vm.selectedTemplateProperty().addListener((o, a, b) -> r.run());
        vm.selectedBackendProperty().addListener((o, a, b) -> r.run());
        vm.devices().statusProperty().addListener((o, a, b) -> r.run());
        vm.claims().claims().addListener((javafx.collections.MapChangeListener<String, dev.sandtable.spi.Claim>) c -> r.run());
        vm.runner().running().addListener((ListChangeListener<OperationRunner.Running>) c -> {
            r.run();
            refreshTasks();
        });
        java.util.function.Consumer<BackendViewModel> follow = b -> {
            b.stateProperty().addListener((o, x, y) -> {
                r.run();
                refreshStatus();
            });
            b.messageProperty().addListener((o, x, y) -> refreshStatus());
        };
        vm.inventory().backends().forEach(follow);
        vm.inventory().backends().addListener((ListChangeListener<BackendViewModel>) c -> {
            while (c.next()) c.getAddedSubList().forEach(follow);
            r.run();
            refreshStatus();
        });
    }

    private <S> CheckComboBox<S> stateFilter(FilterModel<?, S> filter, S[] values) {
        CheckComboBox<S> box = new CheckComboBox<>(javafx.collections.FXCollections.observableArrayList(values));
        box.setTitle("All states");
        box.setShowCheckedCount(false);
        box.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(S s) {
                if (s == null) return "";
                String n = s.toString();
                return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
            }

            @Override
            public S fromString(String string) {
                return null;
            }
        });
        box.getCheckModel().getCheckedItems().addListener((ListChangeListener<S>) c -> {
            filter.states().retainAll(box.getCheckModel().getCheckedItems());
            filter.states().addAll(box.getCheckModel().getCheckedItems());
            box.setTitle(stateFilterTitle(box.getCheckModel().getCheckedItems(), box.getConverter()));
        });
        box.getStyleClass().add("state-filter");
        box.setMinWidth(104); // "All states" and its arrow
        box.setPrefWidth(150);
        return box;
    }

    /** "All states", "Paused", "Paused, Running", "3 states": what the filter shows, in its own box. */
    static <S> String stateFilterTitle(List<S> checked, javafx.util.StringConverter<S> names) {
        if (checked.isEmpty()) return "All states";
        if (checked.size() <= 2) return String.join(", ", checked.stream().map(names::toString).toList());
        return checked.size() + " states";
    }

    private Node page(ResourceKind kind, String title, ResourceTable<?> table, FilterModel<?, ?> filter, Node stateFilter,
                      List<SandtableAction> primary, List<SandtableAction> rowActions) {
        Label heading = new Label(title);
        heading.getStyleClass().add("page-title");
        Label count = new Label();
        count.getStyleClass().add("page-count");
        var live = vm.inventory().table(kind);
        Runnable updateCount = () -> {
            int shown = live.rows().size(), all = live.size();
            count.setText(shown == all ? String.format("%,d", all) : String.format("%,d of %,d", shown, all));
        };
        live.totalProperty().addListener((o, a, b) -> updateCount.run());
        live.rows().addListener((ListChangeListener<Object>) c -> updateCount.run());
        updateCount.run();
        TextField search = TextFields.createClearableTextField();
        search.setPromptText("Filter " + title.toLowerCase(Locale.ROOT) + "  (Ctrl+F)");
        search.setId("filter-" + kind.name().toLowerCase(Locale.ROOT));
        search.setPrefWidth(240);
        search.setMinWidth(90);
        heading.setMinWidth(Region.USE_PREF_SIZE);
        count.setMinWidth(Region.USE_PREF_SIZE);
        search.textProperty().bindBidirectional(filter.textProperty());
        search.getStyleClass().add("filter-field");
        filterFields.put(kind, search);
        HBox bar = new HBox(8, heading, count);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("page-toolbar");
        bar.getChildren().add(search);
        if (stateFilter != null) bar.getChildren().add(stateFilter);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        bar.getChildren().add(spacer);
        // row actions live in the details pane, the menus and the palette; the toolbar keeps the one primary action
        for (SandtableAction a : primary) bar.getChildren().add(actions.button(a, true));
        bar.setMinWidth(0);
        VBox page = new VBox(bar, table.view());
        page.setMinWidth(0);
        StackPane.setAlignment(page, Pos.TOP_LEFT);
        page.getStyleClass().add("page");
        page.setId("page-" + kind.name().toLowerCase(Locale.ROOT));
        VBox.setVgrow(table.view(), Priority.ALWAYS);
        table.view().setId("table-" + kind.name().toLowerCase(Locale.ROOT));
        return page;
    }

    private void showPage(ResourceKind kind) {
        pages.forEach((k, p) -> p.setVisible(k == kind));
        focusCurrentTable();
    }

    private void focusCurrentTable() {
        if (resourceTables == null) return;
        resourceTables[vm.currentViewProperty().get().ordinal()].view().requestFocus();
    }

    private void buildMenus() {
        Menu app = new Menu("Sandtable");
        MenuItem paletteItem = new MenuItem("Command palette…");
        paletteItem.setAccelerator(Shortcuts.parse("Shortcut+K"));
        paletteItem.setOnAction(e -> togglePalette());
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(Shortcuts.parse("Shortcut+Q"));
        quit.setOnAction(e -> stage.close());
        app.getItems().addAll(paletteItem, new SeparatorMenuItem(), actions.menuItem(SandtableAction.ADD_BACKEND),
                actions.menuItem(SandtableAction.REMOVE_BACKEND), new SeparatorMenuItem(), quit);

        Menu sandbox = new Menu("Sandbox");
        for (SandtableAction a : List.of(SandtableAction.CREATE_SANDBOX, SandtableAction.PAUSE, SandtableAction.RESUME,
                SandtableAction.STOP, SandtableAction.SNAPSHOT, SandtableAction.DESTROY)) sandbox.getItems().add(actions.menuItem(a));
        sandbox.getItems().addAll(new SeparatorMenuItem(), actions.menuItem(SandtableAction.OPEN_TERMINAL), actions.menuItem(SandtableAction.WATCH_DIRECTORY),
                actions.menuItem(SandtableAction.LATENCY_LAB));
        sandbox.getItems().addAll(new SeparatorMenuItem(), actions.menuItem(SandtableAction.RELEASE_PUT), actions.menuItem(SandtableAction.RELEASE_DEAD));
        Menu snapshot = new Menu("Snapshot");
        for (SandtableAction a : List.of(SandtableAction.RESTORE, SandtableAction.MAKE_TEMPLATE, SandtableAction.DELETE_SNAPSHOT))
            snapshot.getItems().add(actions.menuItem(a));
        snapshot.getItems().addAll(new SeparatorMenuItem(), actions.menuItem(SandtableAction.EXPORT_IMAGE),
                actions.menuItem(SandtableAction.ATTACH_SNAPSHOT));
        Menu pool = new Menu("Pool");
        for (SandtableAction a : List.of(SandtableAction.CREATE_POOL, SandtableAction.CLAIM, SandtableAction.RESIZE_POOL, SandtableAction.DELETE_POOL))
            pool.getItems().add(actions.menuItem(a));
        Menu template = new Menu("Template");
        for (SandtableAction a : List.of(SandtableAction.CREATE_FROM_TEMPLATE, SandtableAction.DELETE_TEMPLATE))
            template.getItems().add(actions.menuItem(a));

        Menu view = new Menu("View");
        String[] names = {"Sandboxes", "Pools", "Snapshots", "Templates"};
        for (ResourceKind k : ResourceKind.values()) {
            MenuItem m = new MenuItem(names[k.ordinal()]);
            m.setAccelerator(Shortcuts.parse("Shortcut+DIGIT" + (k.ordinal() + 1)));
            m.setOnAction(e -> vm.currentViewProperty().set(k));
            view.getItems().add(m);
        }
        MenuItem filter = new MenuItem("Filter…");
        filter.setAccelerator(Shortcuts.parse("Shortcut+F"));
        filter.setOnAction(e -> filterFields.get(vm.currentViewProperty().get()).requestFocus());
        CheckMenuItem activity = new CheckMenuItem("Activity timeline");
        activity.setSelected(true);
        activity.setAccelerator(Shortcuts.parse("Shortcut+J"));
        activity.selectedProperty().addListener((o, a, on) -> toggleActivity(on));
        view.getItems().addAll(new SeparatorMenuItem(), filter, activity, new SeparatorMenuItem(),
                actions.menuItem(SandtableAction.OPEN_DEVICES));
        menuBar.getMenus().setAll(app, sandbox, snapshot, pool, template, view);
    }

    private void toggleActivity(boolean on) {
        if (on && !verticalSplit.getItems().contains(activityHost)) {
            verticalSplit.getItems().add(activityHost);
            verticalSplit.setDividerPositions(activityDivider);
        } else if (!on && verticalSplit.getItems().contains(activityHost)) {
            activityDivider = verticalSplit.getDividerPositions()[0];
            verticalSplit.getItems().remove(activityHost);
        }
    }

    private void buildStatusBar() {
        taskSpinner.setPrefSize(14, 14);
        taskSpinner.setMaxSize(14, 14);
        refreshTasks();
    }

    private void refreshTasks() {
        var running = vm.runner().running();
        boolean any = !running.isEmpty();
        taskArea.setVisible(any);
        taskArea.setManaged(any);
        if (any) taskLabel.setText(running.getFirst().description() + (running.size() > 1 ? "  +" + (running.size() - 1) + " more" : ""));
    }

    private void refreshStatus() {
        summaryLabel.setText(vm.inventory().summary());
        String[] notice = notice(vm.inventory().backends());
        for (ResourceTable<?> t : resourceTables) t.notice(notice[0], notice[1]);
        long connected = vm.inventory().backends().stream().filter(b -> b.state() == ConnectionState.CONNECTED).count();
        int all = vm.inventory().backends().size();
        if (all == 1) {
            BackendViewModel b = vm.inventory().backends().getFirst();
            connectionLabel.setText(b.displayName() + ": " + BackendViewModel.describe(b.state(), null));
        } else {
            connectionLabel.setText(all == 0 ? "No backends" : connected == all ? "All " + all + " backends connected"
                    : connected + " of " + all + " backends connected");
        }
    }

    /** Title and hint for empty tables while no backend is connected yet; nulls once one is. */
    static String[] notice(List<BackendViewModel> backends) {
        if (backends.isEmpty() || backends.stream().anyMatch(b -> b.state() == ConnectionState.CONNECTED)) return new String[]{null, null};
        BackendViewModel b = backends.getFirst();
        String why = b.messageProperty().get();
        return switch (b.state()) {
            case CONNECTING -> new String[]{"Connecting to " + b.displayName() + "…",
                    (why == null ? "" : capitalized(why) + ". ") + "This takes a second or two the first time."};
            case RECONNECTING -> new String[]{"Reconnecting to " + b.displayName() + "…", why == null ? "" : capitalized(why)};
            case DISCONNECTED -> new String[]{b.displayName() + " is not connected", why == null ? "" : capitalized(why)};
            case CONNECTED -> new String[]{null, null};
        };
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private void togglePalette() {
        if (palette.isShowing()) palette.hide();
        else palette.show();
    }

    private void choose(PaletteEntry e) {
        if (e.isAction()) {
            if (e.action().target() != null) vm.currentViewProperty().set(e.action().target());
            actions.run(e.action());
        } else {
            vm.currentViewProperty().set(e.kind());
            vm.select(e.row());
            focusCurrentTable();
        }
    }

    /** Called with the nanoseconds each pulse's batch took (the benchmark listens). */
    public void setBatchTimeListener(LongConsumer l) {
        batchTimeListener = l == null ? n -> { } : l;
    }

    private void startPump() {
        pump = new AnimationTimer() {
            private long lastTick;

            @Override
            public void handle(long now) {
                long t0 = System.nanoTime();
                if (vm.inventory().drain(MAX_EVENTS_PER_PULSE) > 0) {
                    for (ResourceTable<?> t : resourceTables) t.afterBatch();
                    actions.refresh();
                    refreshStatus();
                    batchTimeListener.accept(System.nanoTime() - t0);
                }
                // the relative-time tick and the row-move pass are both once a second: never in the same pulse
                if (now - lastTick >= 1_000_000_000L && vm.inventory().movesInLastDrain() == 0) {
                    lastTick = now;
                    vm.tick();
                }
            }
        };
        pump.start();
    }

    public void stop() {
        if (pump != null) pump.stop();
    }
}
