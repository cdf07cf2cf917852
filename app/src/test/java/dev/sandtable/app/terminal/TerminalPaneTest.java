package dev.sandtable.app.terminal;

import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.FakeE2bPlatform;
import dev.sandtable.app.testing.FakeE2bFixture;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Types into the terminal pane (JediTermFX over E2bBackend over a fake envd) and sees the shell's output. */
class TerminalPaneTest {
    private FakeE2bFixture fake;
    private FakeE2bPlatform platform;
    private E2bBackend backend;
    private String sandbox;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        fake = new FakeE2bFixture();
        platform = fake.platform;
        backend = fake.backend;
        sandbox = fake.sandbox;
    }

    @AfterEach
    void tearDown() throws Exception {
        robot.interact(TerminalWindow::closeEverything);
        fake.close();
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        FakeE2bFixture.until(what, c);
    }

    private static String screen(TerminalTab t) {
        return t.widget().getTerminalTextBuffer().getScreenLines();
    }

    @Test
    void typedCommandRunsAndItsOutputShows() throws Exception {
        TerminalTab[] tab = new TerminalTab[1];
        robot.interact(() -> tab[0] = TerminalWindow.open(backend, sandbox, "web-1"));
        until("the shell started", () -> tab[0].widget() != null);
        robot.targetWindow(tab[0].getTabPane().getScene().getWindow());
        robot.clickOn(tab[0].widget().getTerminalPanel().getCanvas());
        robot.interact(tab[0]::focus);
        robot.write("echo typed-42");
        robot.type(KeyCode.ENTER);
        until("the output line shows", () -> screen(tab[0]).matches("(?s).*\\$ typed-42\\s*\\n.*|(?s).*\\ntyped-42\\s*\\n.*"));
        // the echoed command line; the fake's resize notice ("resized WxH") may land inside it, so it is taken out first
        assertThat(screen(tab[0]).replaceAll("resized \\d+x\\d+ *\n?", "")).contains("cho typed-42");
        assertThat(tab[0].getText()).startsWith("web-1 · ");

        long pid = Long.parseLong(tab[0].session().id());
        robot.interact(() -> {
            var stage = (javafx.stage.Stage) tab[0].getTabPane().getScene().getWindow();
            stage.setWidth(stage.getWidth() - 240); // smaller: Monocle cannot paint past its 1280x800 screen
        });
        until("the resize reached the PTY", () -> platform.sizesOf(pid).size() > 1);

        robot.clickOn("#terminal-new-tab");
        TabPane tabs = robot.lookup("#terminal-tabs").queryAs(TabPane.class);
        until("a second terminal", () -> tabs.getTabs().size() == 2 && platform.liveProcesses() == 2);
        Tab second = tabs.getTabs().get(1);
        robot.interact(() -> tabs.getTabs().remove(second));
        until("closing a tab ends its shell", () -> platform.liveProcesses() == 1);
        assertThat(platform.sizesOf(pid)).isNotEmpty(); // the first shell survived
        robot.interact(TerminalWindow::closeEverything);
        until("closing the window ends the last shell", () -> platform.liveProcesses() == 0);
    }
}
