package dev.sandtable.app.ui;

import atlantafx.base.theme.PrimerLight;
import dev.sandtable.app.StartupTrace;
import dev.sandtable.app.viewmodel.WindowViewModel;
import javafx.application.Application;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Builds the main window on a stage: theme, FXML layout, view model, controller. */
public final class MainWindow implements AutoCloseable {
    private final WindowViewModel vm;
    private final MainWindowController controller;
    private final ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor();
    private final Scene scene;

    private MainWindow(Stage stage, List<? extends dev.sandtable.spi.Backend> backends) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        StartupTrace.mark("theme set");
        DeferredNotifier notifier = new DeferredNotifier();
        Executor ui = javafx.application.Platform::runLater;
        vm = new WindowViewModel(backends, notifier, ui, worker, dev.sandtable.app.AppContext.clock(),
                dev.sandtable.app.AppContext.remoteStore(), dev.sandtable.app.viewmodel.RemoteBackends::e2b);
        vm.inventory().setReorderInterval(java.time.Duration.ofSeconds(1));
        controller = new MainWindowController(vm, stage);
        FXMLLoader loader = new FXMLLoader(MainWindow.class.getResource("MainWindow.fxml"));
        loader.setController(controller);
        Parent root;
        try {
            root = loadWith(loader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StartupTrace.mark("layout loaded");
        notifier.target = controller.notifier();
        // 1440x900 where it fits, else the screen's visible area (small laptops, the 1280x800 headless test screen)
        var screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        scene = new Scene(root, Math.min(1440, screen.getWidth()), Math.min(900, screen.getHeight()));
        scene.getStylesheets().add(MainWindow.class.getResource("sandtable.css").toExternalForm());
        StartupTrace.mark("scene made");
        controller.build(scene);
        vm.devices().probeInBackground(true);
        StartupTrace.mark("controls built");
        stage.setTitle("Sandtable");
        stage.getIcons().setAll(Icons.appIcons());
        stage.setMinWidth(960);
        stage.setMinHeight(600);
        stage.setScene(scene);
    }

    private static Parent loadWith(FXMLLoader loader) throws IOException {
        // the FXML names no fx:controller; the instance is given directly
        return loader.load();
    }

    /** Shows the window on {@code stage} with these backends. */
    public static MainWindow open(Stage stage, List<? extends dev.sandtable.spi.Backend> backends) {
        MainWindow w = new MainWindow(stage, backends);
        stage.show();
        return w;
    }

    public WindowViewModel viewModel() {
        return vm;
    }

    public MainWindowController controller() {
        return controller;
    }

    public Scene scene() {
        return scene;
    }

    @Override
    public void close() {
        dev.sandtable.app.terminal.TerminalWindow.closeEverything();
        dev.sandtable.app.watch.WatchWindow.closeEverything();
        dev.sandtable.app.latency.LatencyWindow.closeEverything();
        dev.sandtable.app.devices.DevicesWindow.closeEverything();
        controller.stop();
        vm.close();
        worker.shutdownNow();
    }

    /** The view model needs a notifier before the window exists; this one forwards once the toasts are built. */
    private static final class DeferredNotifier implements dev.sandtable.app.viewmodel.Notifier {
        private dev.sandtable.app.viewmodel.Notifier target;

        @Override
        public void error(String title, String message) {
            if (target != null) target.error(title, message);
            else javafx.application.Platform.runLater(() -> error(title, message)); // e.g. a saved backend that failed at start
        }

        @Override
        public void info(String title, String message) {
            if (target != null) target.info(title, message);
        }
    }
}
