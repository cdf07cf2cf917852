package dev.sandtable.app.ui;

import dev.sandtable.app.BackendFactory;
import dev.sandtable.spi.Backend;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes the screenshots the documentation shows (docs/images/*.png), from the real window on the demo inventory
 * of the synthetic backend, headless through Monocle. Not a test: it runs only through the documented command
 * <pre>./mvnw -B -q -Pscreenshots package</pre>
 * which sets {@code -Dsandtable.docs.images=docs/images}. A new view adds its scene to {@link #DEMO}; the docs then
 * link {@code images/<file>} ({@code DocImagesTest} checks that every image the docs show is one of {@link #SCENES}).
 * A view that needs other backends than the demo (Docker, Kubernetes, a latency run) adds its own list to
 * {@link #SCENES} and a test method that starts the window on those backends and calls {@link #take}.
 */
@EnabledIfSystemProperty(named = "sandtable.docs.images", matches = ".+")
class DocScreenshots {
    /** What to capture: the main window, or the dialog (or second window) that is showing in front of it. */
    enum Capture { WINDOW, DIALOG }

    /**
     * One screenshot: {@code show} brings the window into the state to capture (it starts from wherever the scene
     * before it left the window), {@code after} tidies up (closes a dialog).
     */
    record Scene(String file, Capture capture, Consumer<WindowDriver> show, Consumer<WindowDriver> after) {
        Scene(String file, Capture capture, Consumer<WindowDriver> show) {
            this(file, capture, show, w -> { });
        }
    }

    private static Consumer<WindowDriver> closeDialog() {
        return w -> {
            w.type(KeyCode.ESCAPE);
            w.awaitNoDialog();
        };
    }

    /** The scenes on the synthetic backend's demo inventory, taken in this order in one window. */
    static final List<Scene> DEMO = List.of(
            new Scene("main-window.png", Capture.WINDOW, w -> {
                w.shortcut(KeyCode.DIGIT1);
                w.clickRow("sandbox", "web-1");
            }),
            new Scene("pools.png", Capture.WINDOW, w -> {
                w.shortcut(KeyCode.DIGIT2);
                w.clickRow("pool", "agents");
            }),
            new Scene("snapshots.png", Capture.WINDOW, w -> {
                w.shortcut(KeyCode.DIGIT3);
                w.clickRow("snapshot", "web-1-fork-tuned");
            }),
            new Scene("restore-dialog.png", Capture.DIALOG, w -> {
                w.shortcut(KeyCode.SHIFT, KeyCode.R);
                w.awaitDialog("Restore");
            }, closeDialog()),
            new Scene("templates.png", Capture.WINDOW, w -> w.shortcut(KeyCode.DIGIT4)),
            new Scene("new-sandbox-dialog.png", Capture.DIALOG, w -> {
                w.shortcut(KeyCode.DIGIT1);
                w.clickRow("sandbox", "web-2");
                w.shortcut(KeyCode.N);
                w.awaitDialog("New sandbox");
            }, closeDialog()),
            new Scene("new-pool-dialog.png", Capture.DIALOG, w -> {
                w.shortcut(KeyCode.SHIFT, KeyCode.N);
                w.awaitDialog("New pool");
            }, closeDialog()),
            new Scene("add-backend-dialog.png", Capture.DIALOG, w -> {
                w.shortcut(KeyCode.SHIFT, KeyCode.B);
                w.awaitDialog("Add backend");
            }, closeDialog()),
            new Scene("command-palette.png", Capture.WINDOW, w -> {
                w.shortcut(KeyCode.K);
                w.robot.write("web");
                settle();
            }, w -> w.type(KeyCode.ESCAPE)),
            // Activity hidden (Ctrl+J), so that the details pane and its inspector get the window's height
            new Scene("inspector-raw.png", Capture.WINDOW, w -> {
                w.shortcut(KeyCode.DIGIT1);
                w.clickRow("sandbox", "web-1");
                w.shortcut(KeyCode.J);
                inspectorTab(w, 0, "inspector-raw", "\"name\" : \"web-1\"");
            }),
            new Scene("inspector-logs.png", Capture.WINDOW, w -> inspectorTab(w, 1, "inspector-logs", "web-1"), w -> {
                inspectorTab(w, 0, "inspector-raw", "web-1");
                w.shortcut(KeyCode.J);
            }));

    /** Selects the inspector's tab {@code index} and waits until its text area shows {@code text}. */
    private static void inspectorTab(WindowDriver w, int index, String areaId, String text) {
        WindowDriver.fx(() -> {
            w.robot.lookup("#inspector").lookup(".tab-pane").queryAs(javafx.scene.control.TabPane.class).getSelectionModel().select(index);
            return null;
        });
        w.until("the inspector shows " + text, () -> w.robot.lookup("#" + areaId).tryQuery()
                .map(n -> ((org.fxmisc.richtext.CodeArea) n).getText().contains(text)).orElse(false));
    }

    /**
     * The terminal and watch windows, opened on a demo sandbox whose shell and directory watch play a fixed script
     * ({@link ScriptedSandboxIo}): what a real shell or envd shows depends on this machine and the wall clock.
     */
    static final List<String> SANDBOX_WINDOWS = List.of("terminal.png", "watch-directory.png");

    /** The screenshots this class takes: deterministic (stopped clock, demo data), so a retake is byte-identical. */
    static final List<Scene> SCENES = java.util.stream.Stream.of(DEMO).flatMap(List::stream).toList();

    /** Every deterministic screenshot this class writes: the demo window's scenes and the sandbox windows. */
    static java.util.Set<String> deterministicFiles() {
        java.util.Set<String> all = new java.util.TreeSet<>(SANDBOX_WINDOWS);
        SCENES.forEach(s -> all.add(s.file()));
        return all;
    }

    /**
     * Every screenshot in the docs: {@link #SCENES} plus those of live runs, which the same command takes but which
     * show measured numbers and so differ from run to run ({@code LatencyScreenshots}: a real probe through nginx).
     */
    static java.util.Set<String> allFiles() {
        java.util.Set<String> all = new java.util.TreeSet<>(dev.sandtable.app.latency.LatencyScreenshots.FILES);
        all.addAll(deterministicFiles());
        return all;
    }

    private final WindowDriver w = new WindowDriver();
    private Backend backend;

    @AfterEach
    void stop() throws Exception {
        w.stop();
        if (backend != null) backend.close();
    }

    /**
     * Every window and backend here tells time by this stopped clock (and the profile runs the JVM in UTC), so that
     * the same code gives the same pictures: a retake changes only the files whose view changed.
     */
    static final java.time.Clock STOPPED = java.time.Clock.fixed(java.time.Instant.parse("2026-11-23T09:30:00Z"), java.time.ZoneOffset.UTC);

    @Test
    void demoScenes() throws Exception {
        backend = BackendFactory.demoSynthetic(0, STOPPED);
        dev.sandtable.app.AppContext.useClock(STOPPED);
        w.start(List.of(backend));
        w.until("the demo inventory shows", () -> w.names("sandbox").size() > 3);
        take(DEMO);
    }

    @Test
    void sandboxWindows() throws Exception {
        backend = ScriptedSandboxIo.around(BackendFactory.demoSynthetic(0, STOPPED), STOPPED);
        dev.sandtable.app.AppContext.useClock(STOPPED);
        w.start(List.of(backend));
        Path dir = Path.of(System.getProperty("sandtable.docs.images"));
        Files.createDirectories(dir);
        try {
            var tab = WindowDriver.fx(() -> dev.sandtable.app.terminal.TerminalWindow.open(backend, "web-1", "web-1"));
            w.until("the transcript shows", () -> tab.widget() != null
                    && tab.widget().getTerminalTextBuffer().getScreenLines().contains("debug mode is on"));
            WindowDriver.fx(() -> {
                tab.widget().getTerminalPanel().setCursorVisible(false);
                return null;
            });
            settle();
            png(WindowDriver.fx(() -> tab.getTabPane().getScene().getWindow()), dir.resolve("terminal.png"));

            var watch = WindowDriver.fx(() -> dev.sandtable.app.watch.WatchWindow.open(backend, "web-1", "web-1"));
            WindowDriver.fx(() -> {
                watch.viewModel().pathProperty().set("/home/user/project");
                watch.viewModel().start();
                return null;
            });
            w.until("the watch reconnected and shows the later events", () -> watch.viewModel().events().stream()
                    .anyMatch(r -> r.path().equals("README.md")));
            settle();
            png(watch.stage(), dir.resolve("watch-directory.png"));
        } finally {
            WindowDriver.fx(() -> {
                dev.sandtable.app.terminal.TerminalWindow.closeEverything();
                dev.sandtable.app.watch.WatchWindow.closeEverything();
                return null;
            });
        }
        SANDBOX_WINDOWS.forEach(f -> System.out.println("screenshot: " + dir.resolve(f)));
    }

    /** Brings the started window into each scene's state in turn and writes its picture. */
    private void take(List<Scene> scenes) throws Exception {
        Path dir = Path.of(System.getProperty("sandtable.docs.images"));
        Files.createDirectories(dir);
        for (Scene scene : scenes) {
            scene.show().accept(w);
            settle();
            capture(scene, dir.resolve(scene.file()));
            scene.after().accept(w);
            System.out.println("screenshot: " + dir.resolve(scene.file()));
        }
    }

    private void capture(Scene scene, Path file) throws java.io.IOException {
        png(WindowDriver.fx(() -> scene.capture() == Capture.WINDOW ? w.stage
                : Window.getWindows().stream().filter(x -> x != w.stage && x.isShowing() && x.isFocused()).findFirst()
                  .orElseThrow(() -> new IllegalStateException(scene.file() + ": no dialog is showing"))), file);
    }

    private static void png(Window win, Path file) throws java.io.IOException {
        var image = WindowDriver.fx(() -> {
            // a blinking caret would make each retake differ
            win.getScene().getRoot().lookupAll(".text-input").forEach(n -> n.setStyle("-fx-display-caret: false;"));
            win.getScene().getRoot().applyCss();
            return win.getScene().snapshot(null);
        });
        int wd = (int) image.getWidth(), ht = (int) image.getHeight();
        var out = new java.awt.image.BufferedImage(wd, ht, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var pixels = image.getPixelReader();
        for (int y = 0; y < ht; y++) for (int x = 0; x < wd; x++) out.setRGB(x, y, pixels.getArgb(x, y));
        javax.imageio.ImageIO.write(out, "png", file.toFile());
    }

    /** Lets animations (a palette fading in, a row highlight) finish before the picture. */
    private static void settle() {
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
    }
}
