package dev.sandtable.app.ui;

import dev.sandtable.app.BackendFactory;
import dev.sandtable.app.latency.LatencyWindow;
import dev.sandtable.app.latency.RunHistory;
import dev.sandtable.spi.Backend;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl+Shift+L opens the latency lab for the selected sandbox; a backend without an E2B endpoint says why it cannot run. */
class LatencyLabActionTest {
    private final WindowDriver w = new WindowDriver();
    private Backend backend;

    @AfterEach
    void stop() throws Exception {
        w.stop();
        LatencyWindow.useForTests(RunHistory::none, null);
        if (backend != null) backend.close();
    }

    @Test
    void theShortcutOpensTheLabOnTheSelectedSandbox() throws Exception {
        LatencyWindow.useForTests(RunHistory::none, null);
        backend = BackendFactory.demoSynthetic(0);
        w.start(List.of(backend));
        w.clickRow("sandbox", "web-2");
        w.shortcut(KeyCode.SHIFT, KeyCode.L);
        w.until("the lab shows", () -> LatencyWindow.current() != null && LatencyWindow.current().stage().isShowing());
        var vm = LatencyWindow.current().viewModel();
        assertThat(WindowDriver.fx(() -> vm.choiceProperty().get().name())).isEqualTo("web-2");
        assertThat(WindowDriver.fx(() -> vm.choices().stream().filter(c -> c.temporary()).count())).isEqualTo(1);
        assertThat(WindowDriver.fx(vm::run)).isFalse();
        assertThat(WindowDriver.fx(() -> vm.statusTextProperty().get())).contains("has no E2B endpoint to probe");
        assertThat(w.vm().search("latency", 3).getFirst().action()).isEqualTo(dev.sandtable.app.viewmodel.SandtableAction.LATENCY_LAB);
        // the details pane's button does the same for the sandbox shown there
        WindowDriver.fx(() -> {
            LatencyWindow.current().stage().close();
            return null;
        });
        w.robot.targetWindow(w.stage);
        w.clickRow("sandbox", "api-gateway");
        w.robot.clickOn("#details #action-latency-lab");
        w.until("the lab shows again", () -> LatencyWindow.current() != null && LatencyWindow.current().stage().isShowing());
        assertThat(WindowDriver.fx(() -> LatencyWindow.current().viewModel().choiceProperty().get().name())).isEqualTo("api-gateway");
    }
}
