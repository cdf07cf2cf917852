package dev.sandtable.app.devices;

import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.HelperFixture;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Devices window driving the real native helper (root, loop devices; started like the client's tests): the
 * capabilities, attaching an image through the dialog, reading the device, a benchmark with its numbers and chart,
 * detaching, and the helper's refusals shown with what to do.
 */
class DevicesWindowTest {
    @TempDir
    static Path dir;
    static HelperFixture helper;
    private final FxRobot robot = new FxRobot();
    private DevicesViewModel vm;
    private DevicesWindow window;

    @BeforeAll
    static void startHelper() throws Exception {
        helper = HelperFixture.start(dir.resolve("helper"));
    }

    @AfterAll
    static void stopHelper() throws Exception {
        if (helper != null) helper.close();
    }

    @BeforeEach
    void open() throws Exception {
        FxToolkit.registerPrimaryStage();
        vm = fx(() -> {
            // the theme the main window sets for the whole application (the styles use its colours)
            javafx.application.Application.setUserAgentStylesheet(new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
            DevicesViewModel m = new DevicesViewModel(HelperSession.Connector.real(), Platform::runLater);
            m.socketProperty().set(helper.socket.toString());
            return m;
        });
        window = fx(() -> DevicesWindow.open(vm));
        robot.targetWindow(window.stage());
        until("connected", () -> vm.statusProperty().get() == DevicesViewModel.Status.CONNECTED);
    }

    @AfterEach
    void close() {
        fx(() -> {
            for (Window w : List.copyOf(Window.getWindows())) if (w.isShowing() && w.getScene().getRoot()
                    .lookup(".dialog-pane") != null) ((javafx.stage.Stage) w).close();
            DevicesWindow.closeEverything();
            return null;
        });
        try (var c = helper.client()) {
            for (AttachedDevice d : c.list().join()) c.detach(d.id()).join();
        }
        vm.close();
    }

    private static <T> T fx(Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get(60, TimeUnit.SECONDS); // a loaded 2-core machine
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> fx(c::getAsBoolean));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what, e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    private String text(String id) {
        return fx(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    @SuppressWarnings("unchecked")
    private TableView<AttachedDevice> table() {
        return robot.lookup("#devices-table").queryAs(TableView.class);
    }

    private Window dialog() throws Exception {
        until("the attach dialog shows", () -> Window.getWindows().stream().anyMatch(w -> w != window.stage() && w.isShowing()
                && w.getScene().getRoot().lookup("#attach-image") != null));
        return fx(() -> Window.getWindows().stream().filter(w -> w.isShowing() && w.getScene().getRoot().lookup("#attach-image") != null)
                .findFirst().orElseThrow());
    }

    /** Opens the dialog, enters the image, and presses Attach. */
    private void attachThroughDialog(Path image, boolean openMyself) throws Exception {
        robot.clickOn("#devices-attach");
        Window d = dialog();
        Node root = d.getScene().getRoot();
        fx(() -> {
            ((TextField) root.lookup("#attach-image")).setText(image.toString());
            ((javafx.scene.control.CheckBox) root.lookup("#attach-open-myself")).setSelected(openMyself);
            return null;
        });
        assertThat(fx(() -> root.lookup("#attach-ok").isDisabled())).isFalse();
        fx(() -> {
            ((javafx.scene.control.Button) root.lookup("#attach-ok")).fire();
            return null;
        });
        until("the dialog closes", () -> !d.isShowing());
    }

    @Test
    void capabilitiesAttachReadBenchDetach() throws Exception {
        assertThat(text("#cap-kernel")).isEqualTo(System.getProperty("os.version"));
        assertThat(text("#cap-loop")).isEqualTo("yes");
        assertThat(text("#cap-root")).isEqualTo("yes");
        boolean ublk = Files.exists(Path.of("/dev/ublk-control"));
        assertThat(text("#cap-ublk")).startsWith(ublk ? "yes" : "no");
        assertThat(text("#cap-image-folders")).isEqualTo(helper.images.toRealPath().toString());
        assertThat(text("#devices-status")).startsWith("Connected to sandtable-helper");

        // the dialog: on a kernel without ublk its choice is disabled, with the reason as the tooltip
        robot.clickOn("#devices-attach");
        Node dialogRoot = dialog().getScene().getRoot();
        RadioButton ublkChoice = (RadioButton) dialogRoot.lookup("#attach-ublk");
        assertThat(ublkChoice.isDisabled()).isEqualTo(!ublk);
        if (!ublk) {
            Tooltip tip = (Tooltip) dialogRoot.lookup("#attach-ublk-wrap").getProperties().get("javafx.scene.control.Tooltip");
            assertThat(tip.getText()).contains("has no ublk").contains("/dev/ublk-control");
            assertThat(dialogRoot.lookup("#attach-cow").isDisabled()).isTrue();
            assertThat(dialogRoot.lookup("#attach-ublk-reason").isVisible()).isTrue();
            assertThat(((Label) dialogRoot.lookup("#attach-ublk-reason")).getText()).isEqualTo(tip.getText());
        }
        assertThat(((RadioButton) dialogRoot.lookup("#attach-loop")).isSelected()).isEqualTo(!ublk);
        fx(() -> {
            ((javafx.stage.Stage) dialogRoot.getScene().getWindow()).close();
            return null;
        });

        Path image = helper.image("window.img", 1 << 20, (byte) 0x6b);
        fx(() -> {
            // the dialog picks ublk where the kernel has it; this test is about loop
            vm.capabilitiesProperty().set(new dev.sandtable.helper.HelperCapabilities(1, "x", "x", true, false, false, true, true, true, 0, List.of()));
            return null;
        });
        attachThroughDialog(image, true);
        until("the device is listed", () -> table().getItems().size() == 1);
        AttachedDevice d = fx(() -> table().getItems().getFirst());
        assertThat(d.devicePath()).startsWith("/dev/loop");
        assertThat(d.image()).endsWith("window.img (passed descriptor)");
        try (RandomAccessFile f = new RandomAccessFile(d.devicePath(), "r")) {
            f.seek(700_000);
            assertThat(f.readByte()).isEqualTo((byte) 0x6b);
        }
        assertThat(text("#devices-info")).startsWith("Attached window.img as " + d.devicePath());

        // a one-second random-read benchmark on the device: numbers and the histogram
        @SuppressWarnings("unchecked") Spinner<Integer> seconds = robot.lookup("#bench-seconds").queryAs(Spinner.class);
        fx(() -> {
            seconds.getValueFactory().setValue(1);
            return null;
        });
        assertThat(fx(() -> robot.lookup("#bench-target").queryAs(javafx.scene.control.ComboBox.class).getValue().toString()))
                .isEqualTo(d.devicePath() + " (device " + d.id() + ")");
        robot.clickOn("#bench-run");
        until("the benchmark's numbers", () -> !text("#bench-iops").equals("—"));
        assertThat(Double.parseDouble(text("#bench-iops").replace(",", ""))).isPositive();
        assertThat(text("#bench-p50")).matches("[0-9.]+ (ns|µs|ms)");
        assertThat(text("#bench-summary")).startsWith("random read, 4.0 KiB, QD 32, O_DIRECT: ");
        @SuppressWarnings("unchecked") BarChart<String, Number> chart = robot.lookup("#bench-chart").queryAs(BarChart.class);
        List<XYChart.Data<String, Number>> bars = fx(() -> List.copyOf(chart.getData().getFirst().getData()));
        assertThat(bars).hasSize(BenchPanel.HISTOGRAM_BINS);
        assertThat(bars.stream().mapToDouble(b -> b.getYValue().doubleValue()).sum()).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-6));

        fx(() -> {
            table().getSelectionModel().select(0);
            return null;
        });
        robot.clickOn("#devices-detach");
        until("the device is gone", () -> table().getItems().isEmpty());
        assertThat(Path.of("/sys/block", d.devicePath().substring(5), "loop/backing_file")).doesNotExist();
        assertThat(text("#devices-info")).isEqualTo("Detached " + d.devicePath());
    }

    @Test
    void refusalsAreShownWithWhatToDo() throws Exception {
        fx(() -> {
            vm.capabilitiesProperty().set(new dev.sandtable.helper.HelperCapabilities(1, "x", "x", true, false, false, true, true, true, 0, List.of()));
            return null;
        });
        Path tiny = helper.image("tiny.img", 1000, (byte) 1);
        attachThroughDialog(tiny, true);
        until("the problem shows", () -> robot.lookup("#devices-problem").queryAs(Label.class).getParent().isVisible()
                && text("#devices-problem").contains("must be at least 4096 bytes"));
        assertThat(text("#devices-hint")).contains("at least 4 KiB");

        Path outside = Files.write(dir.resolve("outside.img"), new byte[1 << 16]);
        attachThroughDialog(outside, false);
        until("the path problem shows", () -> text("#devices-problem").contains("outside the helper's image directories"));
        assertThat(text("#devices-hint")).contains(helper.images.toRealPath().toString());
        robot.clickOn("#devices-dismiss");
        until("dismissed", () -> !robot.lookup("#devices-problem").queryAs(Label.class).getParent().isVisible());
        assertThat(table().getItems()).isEmpty();

        // a socket where no helper runs: the view says so, and how to start one
        Path missing = dir.resolve("nowhere/helper.sock");
        fx(() -> {
            robot.lookup("#devices-socket").queryAs(TextField.class).setText(missing.toString());
            return null;
        });
        robot.clickOn("#devices-refresh");
        until("unreachable", () -> vm.statusProperty().get() == DevicesViewModel.Status.UNREACHABLE);
        assertThat(text("#devices-problem")).isEqualTo("The native helper is not running: there is no socket at " + missing);
        assertThat(text("#devices-hint")).contains("sudo native-helper/build/sandtable-helper --socket " + missing)
                .contains("systemctl enable --now sandtable-helper.socket");
        assertThat(robot.lookup("#devices-attach").query().isDisabled()).isTrue();
        assertThat(robot.lookup("#bench-run").query().isDisabled()).isTrue();
    }
}
