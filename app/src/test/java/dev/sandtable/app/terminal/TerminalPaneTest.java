package dev.sandtable.app.terminal;

import dev.sandtable.app.testing.FxWait;
import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.FakeE2bPlatform;
import dev.sandtable.app.testing.FakeE2bFixture;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.geometry.Dimension2D;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.ScrollEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.time.Duration;
import java.util.List;
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
        FxWait.until(what, Duration.ofSeconds(15), c);
    }

    private static String screen(TerminalTab t) {
        return t.widget().getTerminalTextBuffer().getScreenLines();
    }

    @Test
    void typedCommandRunsAndItsOutputShows() throws Exception {
        TerminalTab[] tab = {openShell()};
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

    @Test
    void theTabTitleKeepsTheExitCodeOnceTheShellExits() throws Exception {
        TerminalTab t = openShell();
        String base = "web-1 · " + t.session().id();
        assertThat(t.getText()).isEqualTo(base);
        run("exit 3");
        until("the exit code in the title", () -> t.getText().equals(base + " · exited (3)"));
        robot.interact(() -> { }); // whatever else the session posted to the FX thread has run by now
        assertThat(t.getText()).isEqualTo(base + " · exited (3)");
    }

    /** A started terminal with the keyboard on it. */
    private TerminalTab openShell() throws Exception {
        TerminalTab[] tab = new TerminalTab[1];
        robot.interact(() -> tab[0] = TerminalWindow.open(backend, sandbox, "web-1"));
        until("the shell started", () -> tab[0].widget() != null);
        robot.targetWindow(tab[0].getTabPane().getScene().getWindow());
        robot.clickOn(tab[0].widget().getTerminalPanel().getCanvas());
        robot.interact(tab[0]::focus);
        return tab[0];
    }

    private void run(String command) {
        robot.write(command);
        robot.type(KeyCode.ENTER);
    }

    private static String clipboard(FxRobot robot) {
        String[] text = new String[1];
        robot.interact(() -> text[0] = Clipboard.getSystemClipboard().getString());
        return text[0];
    }

    @Test
    void selectingTextAndCopyingPutsItOnTheSystemClipboard() throws Exception {
        TerminalTab t = openShell();
        run("echo copy-me-42");
        until("the output line shows", () -> t.visibleLines().stream().anyMatch(l -> l.strip().equals("copy-me-42")));
        robot.interact(() -> {
            ClipboardContent c = new ClipboardContent();
            c.putString("before");
            Clipboard.getSystemClipboard().setContent(c);
        });
        List<String> lines = t.visibleLines();
        int row = lines.indexOf(lines.stream().filter(l -> l.strip().equals("copy-me-42")).findFirst().orElseThrow());
        Dimension2D cell = t.cellSize();
        Canvas canvas = t.widget().getTerminalPanel().getCanvas();
        Point2D[] ends = new Point2D[2];
        robot.interact(() -> {
            ends[0] = canvas.localToScreen(cell.getWidth() * 0.2, cell.getHeight() * (row + 0.5));
            ends[1] = canvas.localToScreen(cell.getWidth() * ("copy-me-42".length() - 0.2), cell.getHeight() * (row + 0.5));
        });
        robot.moveTo(ends[0]).press(MouseButton.PRIMARY).moveTo(ends[1]).release(MouseButton.PRIMARY);
        until("the line is selected", () -> "copy-me-42".equals(t.widget().getTerminalPanel().selectedTextProperty().get()));
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.C).release(KeyCode.C, KeyCode.SHIFT, KeyCode.CONTROL);
        until("the clipboard holds the selection", () -> "copy-me-42".equals(clipboard(robot)));
    }

    @Test
    void pastingSendsTheClipboardToTheShellWhichRunsIt() throws Exception {
        TerminalTab t = openShell();
        robot.interact(() -> {
            ClipboardContent c = new ClipboardContent();
            c.putString("echo pasted-7\n");
            Clipboard.getSystemClipboard().setContent(c);
        });
        // modifier keys pressed on their own sent NUL to the shell before ClipboardTerminalWidget filtered them out,
        // which spoilt the pasted line ("\0\0echo pasted-7"): the fake shell then does not run it
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.V).release(KeyCode.V, KeyCode.SHIFT, KeyCode.CONTROL);
        until("the pasted command echoed and run", () -> t.visibleLines().stream().anyMatch(l -> l.strip().equals("pasted-7"))
                && t.visibleLines().stream().anyMatch(l -> l.contains("echo pasted-7")));
    }

    @Test
    void fiveHundredLinesStayInTheScrollbackAndShowWhenScrolledUp() throws Exception {
        TerminalTab t = openShell();
        run("seq 500");
        // "499" too: a resize that lands while "seq 500" is typed splits the echoed command, and its " 500" alone
        // must not pass for the output's last line
        until("the last lines show", () -> t.visibleLines().stream().anyMatch(l -> l.strip().equals("499"))
                && t.visibleLines().stream().anyMatch(l -> l.strip().equals("500")));
        assertThat(t.visibleLines()).noneMatch(l -> l.strip().equals("1"));
        var buffer = t.widget().getTerminalTextBuffer();
        assertThat(buffer.getHistoryLinesCount()).as("lines scrolled off the screen are kept").isGreaterThanOrEqualTo(500 - TerminalTab.ROWS);

        Canvas canvas = t.widget().getTerminalPanel().getCanvas();
        for (int i = 0; i < 200 && t.visibleLines().stream().noneMatch(l -> l.strip().equals("1")); i++) {
            robot.interact(() -> canvas.fireEvent(new ScrollEvent(ScrollEvent.SCROLL, 10, 10, 10, 10, false, false, false, false,
                    false, false, 0, 120, 0, 120, ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                    ScrollEvent.VerticalTextScrollUnits.NONE, 0, 0, null)));
        }
        List<String> top = t.visibleLines().stream().map(String::strip).toList();
        assertThat(top).as("scrolled to the top: the first lines show").contains("1", "2", "3");
        assertThat(top).doesNotContain("499"); // not "500": the split echo of the command can show it at the top
    }
}
