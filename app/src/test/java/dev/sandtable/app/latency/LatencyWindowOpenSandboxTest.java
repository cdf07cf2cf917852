package dev.sandtable.app.latency;

import dev.sandtable.app.testing.FxWait;
import dev.sandtable.app.viewmodel.LiveInventory;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.Protocol;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.Verdict;
import dev.sandtable.model.Sandbox;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Latency window on an OpenSandbox backend's sandbox (the spec-driven test server): Run probes its execd. */
class LatencyWindowOpenSandboxTest {
    private final FxRobot robot = new FxRobot();
    private OpenSandboxTestServer server;
    private OpenSandboxBackend backend;
    private LiveInventory inventory;
    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        server = new OpenSandboxTestServer("window-key");
        server.execdGrace = Duration.ofSeconds(1);
        backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), "window-key", Duration.ofMillis(300)));
        inventory = new LiveInventory();
        LatencyWindow.useForTests(() -> RunHistory.in(tmp.resolve("runs")), null);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            robot.interact(LatencyWindow::closeEverything);
            LatencyWindow.useForTests(() -> RunHistory.none(), null);
        } finally {
            inventory.close();
            backend.close();
            server.close();
        }
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        FxWait.until(what, Duration.ofSeconds(60), c);
    }

    @Test
    void anOpenSandboxSandboxIsProbedOverExecd() throws Exception {
        server.seedSandbox("probed", "Running");
        robot.interact(() -> inventory.connect(backend));
        until("the sandbox is in the inventory", () -> {
            robot.interact(() -> inventory.drain(1000));
            return inventory.sandboxes().findByName("probed") != null;
        });
        Row<Sandbox> row = inventory.sandboxes().findByName("probed");
        LatencyWindow[] w = new LatencyWindow[1];
        robot.interact(() -> w[0] = LatencyWindow.open(inventory, SandboxChoices.key(row)));
        LatencyViewModel vm = w[0].viewModel();
        assertThat(vm.choiceProperty().get().whyNot()).isNull();
        assertThat(vm.choiceProperty().get().own().protocol()).isEqualTo(Protocol.EXECD);
        robot.interact(() -> {
            vm.streams().setAll(StreamKind.START, StreamKind.PTY);
            vm.iterationsProperty().set(2);
            vm.windowMsProperty().set(600);
        });
        assertThat(robot.lookup("#latency-stream-connect").query().isDisabled()).as("execd offers no Process/Connect").isTrue();
        assertThat(robot.lookup("#latency-stream-sendinput").query().isDisabled()).isTrue();
        assertThat(robot.lookup("#latency-stream-start").query().isDisabled()).isFalse();
        javafx.scene.text.Font bold = javafx.scene.text.Font.font("System", javafx.scene.text.FontWeight.BOLD, 12);
        assertThat(TimelineChart.fit("a-long-endpoint-name · background", bold, 118)).as("a lane title cut short before the rail labels")
                .endsWith("…").hasSizeLessThan("a-long-endpoint-name · background".length());
        assertThat(TimelineChart.fit("direct · pty", bold, 118)).isEqualTo("direct · pty");
        robot.targetWindow(w[0].stage());
        // Add endpoint… for execd: only execd's URL through the proxy (and a CA); the API URL and key are the server's
        robot.clickOn("#latency-add-endpoint");
        until("the endpoint dialog", () -> LatencyTestWindows.endpointDialog(w[0]) != null);
        assertThat(robot.lookup("#endpoint-api-url").queryTextInputControl().isDisabled()).isTrue();
        assertThat(robot.lookup("#endpoint-api-key").queryTextInputControl().isDisabled()).isTrue();
        assertThat(robot.lookup("#endpoint-sandbox-url").queryTextInputControl().getPromptText()).contains("execd through the proxy");
        robot.interact(() -> LatencyTestWindows.endpointDialog(w[0]).hide());
        robot.targetWindow(w[0].stage());
        robot.clickOn("#latency-run");
        until("the run finished", () -> vm.statusProperty().get() == LatencyViewModel.Status.DONE);
        ProbeReport report = vm.exportable();
        assertThat(report.failure()).isNull();
        assertThat(report.endpoints().getFirst().protocol()).isEqualTo(Protocol.EXECD);
        assertThat(report.results()).extracting(r -> r.stream()).containsExactly(StreamKind.START, StreamKind.PTY);
        assertThat(report.results()).allSatisfy(r -> assertThat(r.verdict()).as(r.reason()).isEqualTo(Verdict.PROMPT));
        @SuppressWarnings("unchecked") TableView<VerdictRow> verdicts = robot.lookup("#latency-verdicts").queryAs(TableView.class);
        assertThat(WaitForAsyncUtils.asyncFx(() -> List.copyOf(verdicts.getItems())).get(10, TimeUnit.SECONDS))
                .extracting(VerdictRow::call).containsExactly("POST /command (SSE)", "POST /pty + GET /pty/{id}/ws (WebSocket)");
        assertThat(server.violations()).isEmpty();
    }
}
