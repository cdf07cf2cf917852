package dev.sandtable.app.devices;

import javafx.scene.Scene;
import javafx.stage.Stage;

/** The Devices window (one per app): opened from the sidebar, the View menu, Ctrl+Alt+D or the command palette. */
public final class DevicesWindow {
    private static DevicesWindow open;

    private final Stage stage = new Stage();
    private final DevicesViewModel vm;
    private final DevicesPane pane;

    private DevicesWindow(DevicesViewModel vm) {
        this.vm = vm;
        pane = new DevicesPane(vm);
        var screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(pane.view(), Math.min(1180, screen.getWidth()), Math.min(800, screen.getHeight()));
        scene.getStylesheets().add(dev.sandtable.app.ui.MainWindow.class.getResource("sandtable.css").toExternalForm());
        stage.setScene(scene);
        stage.setTitle("Devices · Sandtable");
        stage.setMinWidth(860);
        stage.setMinHeight(560);
        stage.setOnShown(e -> vm.setVisible(true));
        stage.setOnHidden(e -> {
            vm.setVisible(false);
            open = null;
        });
    }

    /** Shows the window (created on first use). Call on the FX thread. */
    public static DevicesWindow open(DevicesViewModel vm) {
        if (open == null || open.vm != vm) {
            if (open != null) open.stage.close();
            open = new DevicesWindow(vm);
        }
        open.stage.show();
        open.stage.toFront();
        return open;
    }

    public static void closeEverything() {
        if (open != null) open.stage.close();
    }

    public Stage stage() {
        return stage;
    }

    public DevicesPane pane() {
        return pane;
    }

    public DevicesViewModel viewModel() {
        return vm;
    }
}
