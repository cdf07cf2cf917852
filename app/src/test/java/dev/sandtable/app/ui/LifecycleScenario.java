package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.ActivityEntry;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.Backend;
import javafx.scene.control.Spinner;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test of the window: a whole sandbox lifecycle driven with the keyboard and the mouse, checking
 * every step in the tables and the timelines. Subclasses choose the backend.
 */
abstract class LifecycleScenario {
    final WindowDriver w = new WindowDriver();
    List<Backend> backends;

    @TempDir
    Path tmp;

    abstract List<Backend> backends(Path tmp) throws Exception;

    @AfterEach
    void tearDown() throws Exception {
        w.stop();
        if (backends != null) for (Backend b : backends) b.close();
    }

    private Sandbox sandbox(String name) {
        return WindowDriver.fx(() -> {
            Row<Sandbox> r = w.vm().inventory().sandboxes().findByName(name);
            return r == null ? null : r.value();
        });
    }

    private Pool pool(String name) {
        return WindowDriver.fx(() -> {
            Row<Pool> r = w.vm().inventory().pools().findByName(name);
            return r == null ? null : r.value();
        });
    }

    private boolean timelineHas(String subject, String action) {
        return w.activity().stream().anyMatch(e -> subject.equals(e.subject()) && action.equals(e.action()));
    }

    private boolean timelineReached(String subject, SandboxState state) {
        return w.activity().stream().anyMatch(e -> subject.equals(e.subject()) && e.to() == state);
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aWholeLifecycleWithKeyboardAndMouse() throws Exception {
        backends = backends(tmp);
        w.start(backends);
        w.until("the backend is connected", () -> w.vm().inventory().backends().getFirst().state() == dev.sandtable.spi.ConnectionState.CONNECTED);

        // create a sandbox from the default template: Ctrl+N, type the name, Enter
        w.shortcut(KeyCode.N);
        w.awaitDialog("New sandbox");
        w.robot.write("web-1");
        w.type(KeyCode.ENTER);
        w.awaitNoDialog();
        w.until("web-1 is listed", () -> w.names("sandbox").contains("web-1"));
        w.until("web-1 is selected and running", () -> "web-1".equals(w.detailsTitle()) && sandbox("web-1").state() == SandboxState.RUNNING);

        // pause it with Ctrl+P: the badge, the details timeline and the global timeline follow
        w.shortcut(KeyCode.P);
        w.until("web-1 is paused", () -> sandbox("web-1").state() == SandboxState.PAUSED);
        w.until("the timeline shows the pause", () -> timelineHas("web-1", "paused"));
        w.until("the details timeline shows the pause", () -> w.detailsTimeline().stream()
                .anyMatch(e -> e.to() == SandboxState.PAUSED && e.transition().endsWith("→ paused")));
        assertThat(WindowDriver.fx(() -> w.robot.lookup("#action-pause").queryAll().stream()
                .allMatch(b -> b.isDisabled()))).as("Pause is disabled for a paused sandbox").isTrue();

        // snapshot it: Ctrl+S, accept the suggested name
        w.shortcut(KeyCode.S);
        w.awaitDialog("Snapshot web-1");
        w.robot.eraseText(30).write("web-1-snap");
        w.type(KeyCode.ENTER);
        w.awaitNoDialog();
        w.until("the snapshot is listed", () -> w.names("snapshot").contains("web-1-snap"));
        w.until("the timeline shows the snapshot", () -> timelineHas("web-1", "snapshotted"));

        // restore it into two new sandboxes: Snapshots view (Ctrl+3), click the row, Ctrl+Shift+R, count 2
        w.shortcut(KeyCode.DIGIT3);
        w.clickRow("snapshot", "web-1-snap");
        w.shortcut(KeyCode.SHIFT, KeyCode.R);
        w.awaitDialog("Restore web-1-snap");
        w.robot.eraseText(40).write("copy");
        w.robot.clickOn(WindowDriver.fx(() -> ((Spinner<?>) w.robot.lookup("#restore-count").query()).getEditor()));
        w.type(KeyCode.UP);
        w.until("the count is 2", () -> ((Spinner<?>) w.robot.lookup("#restore-count").query()).getValue().equals(2));
        w.type(KeyCode.ENTER);
        w.awaitNoDialog();
        w.shortcut(KeyCode.DIGIT1);
        w.until("two restored sandboxes are listed", () -> w.names("sandbox").containsAll(List.of("copy-1", "copy-2")));
        assertThat(sandbox("copy-1").sourceKind()).isEqualTo(dev.sandtable.model.SourceKind.SNAPSHOT);
        w.until("both restored sandboxes run", () -> sandbox("copy-1").state() == SandboxState.RUNNING
                && sandbox("copy-2").state() == SandboxState.RUNNING);
        w.until("the timeline shows both", () -> timelineReached("copy-1", SandboxState.RUNNING) && timelineReached("copy-2", SandboxState.RUNNING));

        // a warm pool: Ctrl+Shift+N, name it, Enter; then claim from it with Ctrl+Shift+C
        w.shortcut(KeyCode.SHIFT, KeyCode.N);
        w.awaitDialog("New pool");
        w.robot.eraseText(20).write("agents");
        w.type(KeyCode.ENTER);
        w.awaitNoDialog();
        w.shortcut(KeyCode.DIGIT2);
        w.until("the pool is listed", () -> w.names("pool").contains("agents"));
        w.clickRow("pool", "agents");
        w.shortcut(KeyCode.SHIFT, KeyCode.C);
        w.until("one member is in use", () -> pool("agents").inUse() == 1);
        String claimed = WindowDriver.fx(() -> w.vm().claims().claims().values().iterator().next().sandbox().name());
        w.until("the claimed sandbox is listed with its pool", () -> sandbox(claimed) != null && "agents".equals(sandbox(claimed).poolName()));

        // find the claimed sandbox with the palette (Ctrl+K, fuzzy name, Enter) and release it back into the pool
        w.shortcut(KeyCode.K);
        w.until("the palette shows", () -> w.robot.lookup("#palette").query().isVisible());
        w.robot.write(claimed);
        w.type(KeyCode.ENTER);
        w.until("the claimed sandbox is selected", () -> claimed.equals(w.detailsTitle()));
        w.shortcut(KeyCode.SHIFT, KeyCode.P);
        w.until("the member is back in the pool", () -> pool("agents").inUse() == 0);
        w.until("the timeline shows the release", () -> timelineHas(claimed, "released"));

        // destroy one restored sandbox: click it, Ctrl+D, confirm with Enter
        w.clickRow("sandbox", "copy-1");
        w.shortcut(KeyCode.D);
        w.awaitDialog("Destroy copy-1?");
        w.type(KeyCode.ENTER);
        w.awaitNoDialog();
        w.until("copy-1 is gone", () -> !w.names("sandbox").contains("copy-1"));
        w.until("the timeline shows the destroy", () -> timelineHas("copy-1", "destroyed"));
        assertThat(w.names("sandbox")).contains("web-1", "copy-2");

        // delete the pool: Pools view, Ctrl+Shift+Delete, confirm
        w.shortcut(KeyCode.DIGIT2);
        w.clickRow("pool", "agents");
        w.shortcut(KeyCode.SHIFT, KeyCode.DELETE);
        w.awaitDialog("Delete pool agents?");
        w.type(KeyCode.ENTER);
        w.awaitNoDialog();
        w.until("the pool is gone", () -> !w.names("pool").contains("agents"));

        // no operation failed along the way
        assertThat(w.activity()).noneMatch(ActivityEntry::error);
        List<String> left = w.names("sandbox");
        assertThat(left).contains("web-1", "copy-2").doesNotContain("copy-1");
        assertThat(WindowDriver.fx(() -> w.vm().inventory().summary())).startsWith(left.size() + " sandboxes");
        assertThat(WindowDriver.fx(() -> ((javafx.scene.control.Label) w.robot.lookup("#status-summary").query()).getText()))
                .startsWith(left.size() + " sandboxes");
        WaitForAsyncUtils.waitForFxEvents();
    }
}
