package dev.sandtable.app.ui;

import dev.sandtable.app.AppContext;
import dev.sandtable.app.SandtableApp;
import dev.sandtable.app.viewmodel.ActivityEntry;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.app.viewmodel.WindowViewModel;
import dev.sandtable.model.Resource;
import dev.sandtable.spi.Backend;
import javafx.scene.Node;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Starts the real application on given backends and drives it with TestFX's keyboard and mouse. */
final class WindowDriver {
    final FxRobot robot = new FxRobot();
    SandtableApp app;
    Stage stage;

    void start(List<Backend> backends) throws TimeoutException {
        AppContext.use(backends);
        stage = FxToolkit.registerPrimaryStage();
        app = (SandtableApp) FxToolkit.setupApplication(SandtableApp::new);
        FxToolkit.showStage();
        fx(() -> {
            stage.toFront();
            stage.requestFocus();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Closes the terminal and watch windows (their streams end), then the application and every other stage. */
    void stop() throws TimeoutException {
        if (app == null) return;
        fx(() -> {
            try {
                dev.sandtable.app.terminal.TerminalWindow.closeEverything();
            } finally {
                dev.sandtable.app.watch.WatchWindow.closeEverything();
            }
            return null;
        });
        FxToolkit.cleanupApplication(app);
        fx(() -> {
            for (Window w : List.copyOf(Window.getWindows())) if (w instanceof Stage s && s != stage) s.close();
            return null;
        });
        AppContext.reset();
    }

    WindowViewModel vm() {
        return app.window().viewModel();
    }

    static <T> T fx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Polls a condition on the FX thread (every 25 ms, up to 15 s). */
    void until(String what, Supplier<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> fx(condition::get));
        } catch (TimeoutException e) {
            Path shot = Path.of("target", "failure-" + what.replaceAll("[^A-Za-z0-9]+", "-") + ".png");
            screenshot(shot);
            throw new AssertionError("timed out waiting until " + what + "; sandboxes: " + names("sandbox")
                    + "; screenshot: " + shot.toAbsolutePath(), e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    void shortcut(KeyCode... keys) {
        KeyCode[] all = new KeyCode[keys.length + 1];
        all[0] = KeyCode.CONTROL;
        System.arraycopy(keys, 0, all, 1, keys.length);
        robot.press(all).release(all);
        WaitForAsyncUtils.waitForFxEvents();
    }

    void type(KeyCode... keys) {
        robot.type(keys);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Waits for a dialog (a second window) to show and have focus. */
    void awaitDialog(String titleText) {
        until("dialog '" + titleText + "' shows", () -> Window.getWindows().stream()
                .anyMatch(w -> w != stage && w.isShowing() && w.isFocused() && w.getScene().getRoot().lookup(".dialog-pane") != null));
        Window dialog = fx(() -> Window.getWindows().stream().filter(w -> w != stage && w.isShowing() && w.isFocused()).findFirst().orElseThrow());
        robot.targetWindow(dialog);
    }

    void awaitNoDialog() {
        until("the dialog closes", () -> Window.getWindows().stream().noneMatch(w -> w != stage && w.isShowing()
                && w.getScene().getRoot().lookup(".dialog-pane") != null));
        robot.targetWindow(stage);
    }

    @SuppressWarnings("unchecked")
    <R extends Resource> TableView<Row<R>> table(String id) {
        return (TableView<Row<R>>) robot.lookup("#table-" + id).queryAs(TableView.class);
    }

    /** Names shown by a table, in order. */
    List<String> names(String tableId) {
        return fx(() -> this.<Resource>table(tableId).getItems().stream().map(r -> r.value().name()).toList());
    }

    @SuppressWarnings("unchecked")
    List<ActivityEntry> activity() {
        return fx(() -> List.copyOf(((ListView<ActivityEntry>) robot.lookup("#activity").queryAs(ListView.class)).getItems()));
    }

    @SuppressWarnings("unchecked")
    List<ActivityEntry> detailsTimeline() {
        return fx(() -> robot.lookup("#details-timeline").tryQuery()
                .map(n -> List.copyOf(((ListView<ActivityEntry>) n).getItems())).orElse(List.of()));
    }

    /** Clicks the visible table cell that shows exactly this text. */
    void clickRow(String tableId, String name) {
        until(name + " shows in " + tableId, () -> names(tableId).contains(name));
        fx(() -> {
            TableView<Row<Resource>> t = table(tableId);
            int i = t.getItems().stream().map(r -> r.value().name()).toList().indexOf(name);
            t.scrollTo(i);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        Node cell = robot.lookup("#table-" + tableId).lookup(".table-cell").match(n -> n instanceof javafx.scene.control.TableCell<?, ?> c
                && c.getGraphic() instanceof javafx.scene.control.Label l && name.equals(l.getText())).query();
        robot.clickOn(cell);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Opens a terminal on this sandbox (its row, then T) and waits for its shell: the first tab, focused for typing. */
    dev.sandtable.app.terminal.TerminalTab openTerminal(String sandbox) {
        clickRow("sandbox", sandbox);
        shortcut(KeyCode.T);
        until("a terminal window opens", () -> Window.getWindows().stream().anyMatch(win -> win.isShowing()
                && win.getScene().getRoot().lookup("#terminal-tabs") != null));
        var tab = fx(() -> {
            Window win = Window.getWindows().stream().filter(x -> x.isShowing() && x.getScene().getRoot().lookup("#terminal-tabs") != null)
                    .findFirst().orElseThrow();
            return (dev.sandtable.app.terminal.TerminalTab) ((javafx.scene.control.TabPane) win.getScene().getRoot().lookup("#terminal-tabs"))
                    .getTabs().getFirst();
        });
        until("the shell started", () -> tab.widget() != null);
        robot.targetWindow(tab.getTabPane().getScene().getWindow());
        robot.clickOn(tab.widget().getTerminalPanel().getCanvas());
        robot.interact((Runnable) tab::focus);
        return tab;
    }

    /** Types {@code line} and Enter into the terminal and waits until its screen shows {@code output}. */
    void runInTerminal(dev.sandtable.app.terminal.TerminalTab tab, String line, String output) {
        robot.write(line);
        robot.type(KeyCode.ENTER);
        until("the command's output shows", () -> tab.widget().getTerminalTextBuffer().getScreenLines().contains(output));
    }

    /** Writes every showing window's scene to PNG files (the main one at {@code file}). */
    void screenshot(Path file) {
        List<javafx.scene.image.WritableImage> images = fx(() -> Window.getWindows().stream().filter(Window::isShowing)
                .map(win -> win.getScene().snapshot(null)).toList());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            for (int n = 0; n < images.size(); n++) {
                var img = images.get(n);
                int wd = (int) img.getWidth(), ht = (int) img.getHeight();
                var out = new java.awt.image.BufferedImage(wd, ht, java.awt.image.BufferedImage.TYPE_INT_ARGB);
                for (int y = 0; y < ht; y++) for (int x = 0; x < wd; x++) out.setRGB(x, y, img.getPixelReader().getArgb(x, y));
                Path f = n == 0 ? file : file.resolveSibling(file.getFileName().toString().replace(".png", "-" + n + ".png"));
                javax.imageio.ImageIO.write(out, "png", f.toFile());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String detailsTitle() {
        return fx(() -> robot.lookup("#details-title").tryQuery().filter(n -> n.getScene() != null && n.getParent() != null
                && n.getParent().getParent() != null).map(n -> ((javafx.scene.control.Label) n).getText()).orElse(null));
    }
}
