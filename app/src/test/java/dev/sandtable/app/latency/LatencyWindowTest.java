package dev.sandtable.app.latency;

import dev.sandtable.app.testing.FxWait;
import dev.sandtable.app.viewmodel.LiveInventory;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.Verdict;
import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Sandbox;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.spi.CreateSandboxRequest;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The latency lab's window on a local sandbox through the real service (its E2B control plane and envd): Run, the
 * timeline filling while the run is live, the verdict badges, then JSON, CSV and PNG exports written and read back.
 */
class LatencyWindowTest {
    private final FxRobot robot = new FxRobot();
    private LocalService service;
    private ServiceClient client;
    private LiveInventory inventory;
    @TempDir
    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        RuntimePaths paths = RuntimePaths.under(tmp.resolve("service"));
        LocalRuntimeOptions options = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
                .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        client = ServiceClient.connect(service.info());
        inventory = new LiveInventory();
        LatencyWindow.useForTests(() -> RunHistory.in(tmp.resolve("runs")), () -> new LatencyPane.Files() {
            @Override
            public Path save(String title, String suggestedName, String extension) {
                return tmp.resolve("export." + extension);
            }

            @Override
            public Path open(String title) {
                return tmp.resolve("export.json");
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            robot.interact(LatencyWindow::closeEverything);
            LatencyWindow.useForTests(() -> RunHistory.none(), null);
        } finally {
            try {
                inventory.close();
                if (client != null) client.close();
            } finally {
                if (service != null) service.stop();
            }
        }
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        FxWait.until(what, Duration.ofSeconds(60), c);
    }

    @Test
    void aRunOfALocalSandboxFillsTheTimelineLiveShowsItsVerdictsAndExports() throws Exception {
        Sandbox s = client.create(CreateSandboxRequest.fromTemplate("probed", null)).get(30, TimeUnit.SECONDS);
        robot.interact(() -> inventory.connect(client));
        until("the sandbox is in the inventory", () -> {
            robot.interact(() -> inventory.drain(1000));
            return inventory.sandboxes().findByName("probed") != null;
        });
        Row<Sandbox> row = inventory.sandboxes().findByName("probed");

        LatencyWindow[] w = new LatencyWindow[1];
        robot.interact(() -> w[0] = LatencyWindow.open(inventory, SandboxChoices.key(row)));
        LatencyViewModel vm = w[0].viewModel();
        assertThat(vm.choiceProperty().get().sandboxId()).isEqualTo(s.key());
        assertThat(vm.choiceProperty().get().whyNot()).isNull();
        AtomicBoolean filledWhileLive = new AtomicBoolean();
        robot.interact(() -> {
            vm.streams().setAll(StreamKind.WATCHDIR, StreamKind.PTY);
            vm.iterationsProperty().set(2);
            vm.windowMsProperty().set(600);
            vm.lanes().addListener((ListChangeListener<Lane>) c -> {
                if (vm.running() && vm.lanes().stream().anyMatch(l -> !l.frames().isEmpty())) filledWhileLive.set(true);
            });
        });
        robot.targetWindow(w[0].stage());
        robot.clickOn("#latency-run");
        until("the run finished", () -> vm.statusProperty().get() == LatencyViewModel.Status.DONE);
        assertThat(filledWhileLive).as("the timeline had frames while the run was live").isTrue();
        ProbeReport report = vm.exportable();
        assertThat(report.failure()).isNull();
        assertThat(report.results()).extracting(r -> r.stream()).containsExactly(StreamKind.WATCHDIR, StreamKind.PTY);
        // read on the FX thread: the pump may still apply the run's last batch there
        assertThat(fx(() -> List.copyOf(vm.lanes()))).hasSize(2).allSatisfy(l -> {
            assertThat(l.evidence()).isTrue();
            assertThat(l.frames()).anySatisfy(f -> assertThat(f.producedMs()).isNotNull());
        });
        @SuppressWarnings("unchecked") TableView<VerdictRow> verdicts = robot.lookup("#latency-verdicts").queryAs(TableView.class);
        assertThat(verdicts.getColumns()).extracting(c -> c.getText()).containsExactly("Stream", "Call", "direct");
        until("two verdict badges", () -> robot.lookup(".latency-verdicts .badge").queryAll().size() == 2);
        for (var b : robot.lookup(".latency-verdicts .badge").queryAllAs(Label.class)) {
            Verdict v = Verdict.valueOf(b.getText());
            assertThat(b.getStyleClass()).contains("verdict-" + v.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(v).as("a local sandbox directly").isIn(Verdict.PROMPT, Verdict.DELAYED);
        }
        assertThat(fx(() -> List.copyOf(vm.history()))).singleElement().satisfies(e -> assertThat(e.report()).isEqualTo(report));
        until("the run is saved", () -> vm.history().getFirst().file() != null);
        assertThat(ProbeReports.readJson(vm.history().getFirst().file())).isEqualTo(report);

        assertThat(fx(() -> w[0].pane().exportJson()).get(10, TimeUnit.SECONDS)).isEqualTo(tmp.resolve("export.json"));
        assertThat(ProbeReports.readJson(tmp.resolve("export.json"))).isEqualTo(report);
        fx(() -> w[0].pane().exportCsv()).get(10, TimeUnit.SECONDS);
        List<String> csv = Files.readAllLines(tmp.resolve("export.csv"));
        assertThat(csv.getFirst()).isEqualTo(ProbeReports.CSV_HEADER);
        assertThat(csv).anyMatch(l -> l.startsWith("direct,pty,")).anyMatch(l -> l.startsWith("direct,watchdir,"));
        fx(() -> w[0].pane().exportPng()).get(10, TimeUnit.SECONDS);
        BufferedImage png = ImageIO.read(tmp.resolve("export.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(600);
        assertThat(png.getHeight()).isGreaterThan((int) (TimelineChart.HEADER_H + 2 * TimelineChart.LANE_H));
        assertThat(colouredPixels(png)).as("the lanes' verdict colours are drawn").isGreaterThan(50);
        until("the notice says where the PNG went", () -> robot.lookup("#latency-notice").queryAs(Label.class).getText()
                .equals("Saved PNG to " + tmp.resolve("export.png")));

        // Open… the exported JSON: it joins the runs and is shown beside the run on show, A/B across the two runs
        robot.clickOn("#latency-open");
        until("the opened run is compared", () -> vm.compareWithProperty().get() != null);
        assertThat(fx(() -> List.copyOf(vm.history()))).hasSize(2);
        assertThat(vm.history().getFirst().origin()).isEqualTo(RunEntry.Origin.OPENED);
        assertThat(verdicts.getColumns()).extracting(c -> c.getText()).containsExactly("Stream", "Call", "A · direct", "B · direct");
        assertThat(fx(() -> List.copyOf(vm.comparisons()))).isNotEmpty().allSatisfy(c -> {
            assertThat(c.a()).isEqualTo("A · direct");
            assertThat(c.b()).isEqualTo("B · direct");
            assertThat(c.ratio()).as("the same run opened again").isEqualTo(1.0);
        });
        assertThat(fx(() -> List.copyOf(vm.lanes()))).hasSize(4);
    }

    private static <T> T fx(java.util.concurrent.Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
    }

    /** Pixels clearly green, amber, red or blue (the lanes' colours), not grey text or white. */
    private static int colouredPixels(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y), r = rgb >> 16 & 255, g = rgb >> 8 & 255, b = rgb & 255;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) n++;
            }
        return n;
    }
}
