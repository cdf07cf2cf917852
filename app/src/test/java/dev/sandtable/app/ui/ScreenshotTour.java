package dev.sandtable.app.ui;

import dev.sandtable.app.BackendFactory;
import dev.sandtable.spi.Backend;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Path;
import java.util.List;

/**
 * Not a test: writes PNGs of the main views for a visual check. Run with
 * ./mvnw -B verify -pl app -am -Dtest=ScreenshotTour -Dsandtable.screenshots=target/shots -Dsurefire.failIfNoSpecifiedTests=false
 */
@EnabledIfSystemProperty(named = "sandtable.screenshots", matches = ".+")
class ScreenshotTour {
    private final WindowDriver w = new WindowDriver();
    private Backend backend;

    @AfterEach
    void stop() throws Exception {
        w.stop();
        if (backend != null) backend.close();
    }

    @Test
    void tour() throws Exception {
        Path dir = Path.of(System.getProperty("sandtable.screenshots"));
        backend = BackendFactory.demoSynthetic(0);
        w.start(List.of(backend));
        w.until("rows", () -> w.names("sandbox").size() > 3);
        w.clickRow("sandbox", "web-1-fork");
        w.shortcut(KeyCode.P);
        w.until("paused", () -> w.vm().inventory().sandboxes().findByName("web-1-fork").value().state() == dev.sandtable.model.SandboxState.PAUSED);
        Thread.sleep(300);
        w.screenshot(dir.resolve("1-sandboxes.png"));
        w.shortcut(KeyCode.DIGIT2);
        w.clickRow("pool", "agents");
        w.screenshot(dir.resolve("2-pools.png"));
        w.shortcut(KeyCode.DIGIT3);
        w.clickRow("snapshot", "web-1-fork-tuned");
        w.screenshot(dir.resolve("3-snapshots.png"));
        w.shortcut(KeyCode.SHIFT, KeyCode.R);
        w.awaitDialog("Restore");
        w.screenshot(dir.resolve("4-restore-dialog.png"));
        w.type(KeyCode.ESCAPE);
        w.awaitNoDialog();
        w.shortcut(KeyCode.K);
        w.robot.write("wrk");
        Thread.sleep(200);
        w.screenshot(dir.resolve("5-palette.png"));
        w.type(KeyCode.ESCAPE);
        w.shortcut(KeyCode.DIGIT1);
        w.clickRow("sandbox", "worker-a");
        w.shortcut(KeyCode.R); // resume a running sandbox: shows the "not available" notification
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("web-1", null)); // duplicate name
        WindowDriver.fx(() -> w.vm().createSandbox(w.vm().targetBackend(), "web-1", null, null));
        Thread.sleep(500);
        w.screenshot(dir.resolve("6-errors.png"));
        WindowDriver.fx(() -> {
            w.vm().inventory().sandboxes().rows().size();
            return null;
        });
        w.shortcut(KeyCode.DIGIT4);
        w.screenshot(dir.resolve("7-templates.png"));

        w.shortcut(KeyCode.DIGIT1);
        w.clickRow("sandbox", "web-2");
        dialog(KeyCode.N, "New sandbox", dir.resolve("8-new-sandbox.png"));
        dialog(KeyCode.S, "Snapshot", dir.resolve("9-snapshot.png"));
        dialog(KeyCode.D, "Destroy", dir.resolve("10-destroy.png"));
        w.shortcut(KeyCode.DIGIT2);
        w.clickRow("pool", "agents");
        w.shortcut(KeyCode.SHIFT, KeyCode.N);
        w.awaitDialog("New pool");
        w.screenshot(dir.resolve("11-new-pool.png"));
        w.type(KeyCode.ESCAPE);
        w.awaitNoDialog();
        w.shortcut(KeyCode.SHIFT, KeyCode.E);
        w.awaitDialog("Resize");
        w.screenshot(dir.resolve("12-resize-pool.png"));
        w.type(KeyCode.ESCAPE);
        w.awaitNoDialog();
        w.shortcut(KeyCode.DIGIT1);
        WindowDriver.fx(() -> {
            w.stage.setWidth(1024);
            w.stage.setHeight(700);
            return null;
        });
        w.clickRow("sandbox", "web-1");
        Thread.sleep(300);
        w.screenshot(dir.resolve("13-small-window.png"));
    }

    @Test
    void freshInstall() throws Exception {
        Path dir = Path.of(System.getProperty("sandtable.screenshots"));
        backend = new dev.sandtable.synthetic.SyntheticBackend();
        w.start(List.of(backend));
        Thread.sleep(300);
        w.screenshot(dir.resolve("0-empty.png"));
        w.shortcut(KeyCode.DIGIT2);
        w.screenshot(dir.resolve("0-empty-pools.png"));
        w.shortcut(KeyCode.DIGIT3);
        w.screenshot(dir.resolve("0-empty-snapshots.png"));
    }

    private void dialog(KeyCode key, String title, Path file) {
        w.shortcut(key);
        w.awaitDialog(title);
        w.screenshot(file);
        w.type(KeyCode.ESCAPE);
        w.awaitNoDialog();
    }
}
