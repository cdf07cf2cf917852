package dev.sandtable.app.ui;

import dev.sandtable.app.testing.FxWait;
import dev.sandtable.app.terminal.TerminalTab;
import dev.sandtable.app.terminal.TerminalWindow;
import dev.sandtable.app.watch.WatchWindow;
import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Sandbox;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.spi.CreateSandboxRequest;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;


/**
 * Issue 3's "a file created from the terminal appears in the WatchDir pane", on a local sandbox through the real
 * service path: the window's ServiceClient routes both the terminal and the watch through the service's envd.
 */
class TerminalToWatchTest {
    private final FxRobot robot = new FxRobot();
    private LocalService service;
    private ServiceClient client;

    @BeforeEach
    void setUp(@TempDir Path tmp) throws Exception {
        FxToolkit.registerPrimaryStage();
        RuntimePaths paths = RuntimePaths.under(tmp);
        LocalRuntimeOptions options = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
                .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        client = ServiceClient.connect(service.info());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            robot.interact(() -> {
                try {
                    TerminalWindow.closeEverything();
                } finally {
                    WatchWindow.closeEverything();
                }
            });
        } finally {
            try {
                if (client != null) client.close();
            } finally {
                if (service != null) service.stop();
            }
        }
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        FxWait.until(what, Duration.ofSeconds(30), c);
    }

    @Test
    void aFileTouchedInTheTerminalShowsInTheWatchPane() throws Exception {
        Sandbox s = client.create(CreateSandboxRequest.fromTemplate("term-watch", null)).get(30, TimeUnit.SECONDS);

        WatchWindow[] watch = new WatchWindow[1];
        robot.interact(() -> watch[0] = WatchWindow.open(client, s.id(), s.name()));
        robot.targetWindow(watch[0].stage());
        TextField path = robot.lookup("#watch-path").queryAs(TextField.class);
        robot.interact(() -> path.setText("."));
        robot.clickOn("#watch-start");
        Label status = robot.lookup("#watch-status").queryAs(Label.class);
        until("the watch is live", () -> status.getText().startsWith("Live"));
        @SuppressWarnings("unchecked") TableView<dev.sandtable.app.watch.WatchRow> table = robot.lookup("#watch-events").queryAs(TableView.class);

        TerminalTab[] tab = new TerminalTab[1];
        robot.interact(() -> tab[0] = TerminalWindow.open(client, s.id(), s.name()));
        until("the shell started", () -> tab[0].widget() != null);
        robot.targetWindow(tab[0].getTabPane().getScene().getWindow());
        robot.clickOn(tab[0].widget().getTerminalPanel().getCanvas());
        robot.interact((Runnable) tab[0]::focus);
        robot.write("touch made-in-terminal.txt; echo touched-$((6*7))");
        robot.type(KeyCode.ENTER);
        until("the shell ran the line", () -> tab[0].widget().getTerminalTextBuffer().getScreenLines().contains("touched-42"));

        until("the watch pane shows the terminal's file", () -> table.getItems().stream()
                .anyMatch(e -> e.path().equals("made-in-terminal.txt")));
    }
}
