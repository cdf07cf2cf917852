package dev.sandtable.app.watch;

import dev.sandtable.spi.Backend;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A window per sandbox with its directory watch; closing it stops the watch. */
public final class WatchWindow {
    private static final Map<String, WatchWindow> OPEN = new LinkedHashMap<>();

    private final Stage stage = new Stage();
    private final WatchViewModel vm;

    private WatchWindow(Backend backend, String sandboxId, String sandboxName) {
        vm = new WatchViewModel(backend, sandboxId, Platform::runLater);
        stage.setScene(new Scene(new WatchPane(vm).view(), 900, 560));
        stage.setTitle("Watch directory · " + sandboxName);
        stage.getIcons().setAll(dev.sandtable.app.ui.Icons.appIcons());
    }

    /** Shows the sandbox's watch window (created on first use). Call on the FX thread. */
    public static WatchWindow open(Backend backend, String sandboxId, String sandboxName) {
        String key = backend.info().id() + "/" + sandboxId;
        WatchWindow w = OPEN.computeIfAbsent(key, k -> new WatchWindow(backend, sandboxId, sandboxName));
        w.stage.setOnHidden(e -> {
            w.vm.close();
            OPEN.remove(key);
        });
        w.stage.show();
        w.stage.toFront();
        return w;
    }

    public static void closeEverything() {
        for (WatchWindow w : List.copyOf(OPEN.values())) w.stage.close();
    }

    public WatchViewModel viewModel() {
        return vm;
    }

    public Stage stage() {
        return stage;
    }
}
