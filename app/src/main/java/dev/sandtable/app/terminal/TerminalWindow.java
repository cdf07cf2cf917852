package dev.sandtable.app.terminal;

import dev.sandtable.app.ui.Shortcuts;
import dev.sandtable.spi.Backend;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One window per sandbox holding its terminal tabs. It lives beside the main window, so switching views there
 * never touches a shell; closing the window (or the app) ends its shells.
 */
public final class TerminalWindow {
    private static final Map<String, TerminalWindow> OPEN = new LinkedHashMap<>();

    private final Stage stage = new Stage();
    private final TabPane tabs = new TabPane();
    private final Backend backend;
    private final String sandboxId;
    private final String sandboxName;

    private TerminalWindow(Backend backend, String sandboxId, String sandboxName) {
        this.backend = backend;
        this.sandboxId = sandboxId;
        this.sandboxName = sandboxName;
        tabs.setId("terminal-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
        Button more = new Button("New terminal");
        more.setId("terminal-new-tab");
        more.setFocusTraversable(false);
        more.setOnAction(e -> addTab());
        BorderPane root = new BorderPane(tabs);
        root.setTop(new ToolBar(more));
        Scene scene = new Scene(root, 960, 640);
        scene.getAccelerators().put(Shortcuts.parse("Shortcut+Shift+T"), this::addTab);
        stage.setScene(scene);
        stage.setTitle("Terminals · " + sandboxName);
        stage.getIcons().setAll(dev.sandtable.app.ui.Icons.appIcons());
        stage.setOnHidden(e -> closeAll());
        tabs.getTabs().addListener((javafx.collections.ListChangeListener<Tab>) c -> {
            while (c.next()) for (Tab t : c.getRemoved()) if (t instanceof TerminalTab tt) tt.close();
            if (tabs.getTabs().isEmpty()) stage.close();
        });
    }

    /** Opens a new terminal tab for the sandbox, in its window (created on first use). Call on the FX thread. */
    public static TerminalTab open(Backend backend, String sandboxId, String sandboxName) {
        String key = backend.info().id() + "/" + sandboxId;
        TerminalWindow w = OPEN.computeIfAbsent(key, k -> new TerminalWindow(backend, sandboxId, sandboxName));
        TerminalTab t = w.addTab();
        w.stage.show();
        w.stage.toFront();
        return t;
    }

    /** Ends every shell of every terminal window (the app is closing). */
    public static void closeEverything() {
        for (TerminalWindow w : List.copyOf(OPEN.values())) w.stage.close();
    }

    private TerminalTab addTab() {
        TerminalTab t = new TerminalTab(backend, sandboxId, sandboxName);
        tabs.getTabs().add(t);
        tabs.getSelectionModel().select(t);
        return t;
    }

    private void closeAll() {
        OPEN.values().remove(this);
        for (Tab t : List.copyOf(tabs.getTabs())) if (t instanceof TerminalTab tt) tt.close();
        tabs.getTabs().clear();
    }

    public Stage stage() {
        return stage;
    }
}
