package dev.sandtable.app.latency;

import dev.sandtable.app.viewmodel.LiveInventory;
import dev.sandtable.local.RuntimePaths;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The latency lab's window (one for the app): the sandbox to probe is picked in it, preselected with the sandbox
 * selected in the main window. Its pump drains the run's listener calls once per pulse; closing it cancels a run.
 */
public final class LatencyWindow {
    private static LatencyWindow open;
    private static volatile Supplier<RunHistory> history = () -> RunHistory.in(RuntimePaths.fromEnvironment().data().resolve("latency-runs"));
    private static volatile Supplier<LatencyPane.Files> testFiles;

    private final Stage stage = new Stage();
    private final LatencyViewModel vm;
    private final LatencyPane pane;
    private final ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor();
    private final AnimationTimer pump;
    private final LiveInventory inventory;

    private LatencyWindow(LiveInventory inventory) {
        this.inventory = inventory;
        // the main window sets the theme; a lab opened on its own (tests, screenshots) sets the same
        if (javafx.application.Application.getUserAgentStylesheet() == null)
            javafx.application.Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        vm = new LatencyViewModel(Platform::runLater, worker, history.get());
        pane = new LatencyPane(vm, n -> testFiles != null ? testFiles.get() : new Choosers(n));
        var screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(pane.view(), Math.min(1280, screen.getWidth()), Math.min(820, screen.getHeight()));
        scene.getStylesheets().add(LatencyWindow.class.getResource("/dev/sandtable/app/ui/sandtable.css").toExternalForm());
        scene.getStylesheets().add(LatencyWindow.class.getResource("latency.css").toExternalForm());
        scene.getAccelerators().put(dev.sandtable.app.ui.Shortcuts.parse("Shortcut+ENTER"), vm::run);
        scene.getAccelerators().put(dev.sandtable.app.ui.Shortcuts.parse("Shortcut+O"), pane::openRun);
        stage.setScene(scene);
        stage.setTitle("Latency lab");
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        pump = new AnimationTimer() {
            @Override
            public void handle(long now) {
                vm.drain();
            }
        };
        stage.setOnShown(e -> pump.start());
        stage.setOnHidden(e -> {
            pump.stop();
            vm.close();
            worker.shutdown();
            if (open == this) open = null;
        });
        pane.beforeChoices(this::refreshChoices);
        stage.focusedProperty().addListener((o, was, now) -> {
            if (now) refreshChoices();
        });
        vm.loadHistory();
    }

    /**
     * Shows the lab (created on first use) with the choices of the inventory, the given sandbox chosen when it can be
     * probed ({@code key} from {@link SandboxChoices#key}; null keeps the current choice). Call on the FX thread.
     */
    public static LatencyWindow open(LiveInventory inventory, String key) {
        if (open == null || open.inventory != inventory) {
            if (open != null) open.stage.close();
            open = new LatencyWindow(inventory);
        }
        LatencyWindow w = open;
        w.refreshChoices();
        if (key != null) w.vm.choose(key);
        w.stage.show();
        w.stage.toFront();
        return w;
    }

    public void refreshChoices() {
        if (!vm.running()) vm.setChoices(SandboxChoices.of(inventory));
    }

    /** The lab's window when it is open, else null. */
    public static LatencyWindow current() {
        return open;
    }

    public static void closeEverything() {
        if (open != null) open.stage.close();
    }

    /** Tests: keep the history there instead of the data folder; answer file choosers without dialogs. */
    public static void useForTests(Supplier<RunHistory> h, Supplier<LatencyPane.Files> files) {
        history = h;
        testFiles = files;
    }

    public LatencyViewModel viewModel() {
        return vm;
    }

    public LatencyPane pane() {
        return pane;
    }

    public Stage stage() {
        return stage;
    }

    /** The platform's file choosers. */
    private record Choosers(Node node) implements LatencyPane.Files {
        private Window window() {
            return node.getScene() == null ? null : node.getScene().getWindow();
        }

        @Override
        public Path save(String title, String suggestedName, String extension) {
            FileChooser c = new FileChooser();
            c.setTitle(title);
            c.setInitialFileName(suggestedName);
            c.getExtensionFilters().add(new FileChooser.ExtensionFilter(extension.toUpperCase(java.util.Locale.ROOT), "*." + extension));
            File f = c.showSaveDialog(window());
            return f == null ? null : f.toPath();
        }

        @Override
        public Path open(String title) {
            FileChooser c = new FileChooser();
            c.setTitle(title);
            File f = c.showOpenDialog(window());
            return f == null ? null : f.toPath();
        }
    }
}
