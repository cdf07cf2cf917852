package dev.sandtable.app.latency;

import dev.sandtable.app.testing.FxWait;
import dev.sandtable.app.viewmodel.LiveInventory;
import dev.sandtable.e2b.server.NginxProxy;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.TestCerts;
import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.testing.Requirements;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
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
import java.util.function.BooleanSupplier;

/**
 * Not a test: the latency lab's screenshots for docs/latency-lab.md, of the real window during and after a real A/B run
 * of a local sandbox, directly and through an nginx with CubeProxy's buffering over TLS (its CA trusted through the
 * endpoint's CA file). Needs nginx and openssl. Run with
 * <pre>./mvnw -B -q verify -pl backend,app -Dtest=LatencyScreenshots -Dsurefire.failIfNoSpecifiedTests=false -Dsandtable.docs.images=$PWD/docs/images</pre>
 */
@EnabledIfSystemProperty(named = "sandtable.docs.images", matches = ".+")
public class LatencyScreenshots {
    /** The pictures it writes (docs/images); a check of the docs' images can count them as taken by a command. */
    public static final List<String> FILES = List.of("latency-live.png", "latency-timeline.png", "latency-histogram.png", "latency-ab.png",
            "latency-add-endpoint.png", "latency-execd.png");

    private final FxRobot robot = new FxRobot();
    private LocalService service;
    private dev.sandtable.opensandbox.OpenSandboxTestServer openSandbox;
    private dev.sandtable.opensandbox.OpenSandboxBackend openSandboxBackend;
    private ServiceClient client;
    private NginxProxy nginx;
    private final LiveInventory inventory = new LiveInventory();

    @AfterEach
    void tearDown() {
        robot.interact(LatencyWindow::closeEverything);
        LatencyWindow.useForTests(RunHistory::none, null);
        inventory.close();
        if (nginx != null) nginx.close();
        if (client != null) client.close();
        if (service != null) service.stop();
        if (openSandboxBackend != null) openSandboxBackend.close();
        if (openSandbox != null) openSandbox.close();
    }

    @Test
    void takeTheLabsScreenshots(@TempDir Path tmp) throws Exception {
        TestCerts certs = prepare(tmp);
        Path out = out();
        RuntimePaths paths = RuntimePaths.under(tmp.resolve("service"));
        LocalRuntimeOptions options = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
                .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        client = ServiceClient.connect(service.info());
        nginx = NginxProxy.start(tmp.resolve("nginx"), service.info().url(),
                new NginxProxy.Options(false, true, null, null).withTls(certs.certificate(), certs.key()));
        client.create(CreateSandboxRequest.fromTemplate("web-1", null)).get(30, TimeUnit.SECONDS);
        robot.interact(() -> inventory.connect(client));
        until("the sandbox is listed", () -> {
            robot.interact(() -> inventory.drain(1000));
            return inventory.sandboxes().findByName("web-1") != null;
        });
        LatencyWindow.useForTests(() -> RunHistory.in(tmp.resolve("runs")), () -> new LatencyPane.Files() {
            @Override
            public Path save(String title, String suggestedName, String extension) {
                return tmp.resolve(suggestedName);
            }

            @Override
            public Path open(String title) {
                return certs.certificate();
            }
        });
        LatencyWindow[] w = new LatencyWindow[1];
        robot.interact(() -> w[0] = LatencyWindow.open(inventory, SandboxChoices.key(inventory.sandboxes().findByName("web-1"))));
        LatencyViewModel vm = w[0].viewModel();
        robot.interact(() -> {
            vm.addEndpoint(new EndpointSpec("proxy", nginx.url(), "", "", certs.certificate().toString()));
            vm.streams().setAll(StreamKind.WATCHDIR, StreamKind.PTY, StreamKind.START, StreamKind.CONNECT);
            vm.iterationsProperty().set(8);
            vm.windowMsProperty().set(1500);
        });
        robot.targetWindow(w[0].stage());

        robot.clickOn("#latency-add-endpoint");
        until("the endpoint dialog", () -> LatencyTestWindows.endpointDialog(w[0]) != null);
        robot.interact(() -> robot.lookup("#endpoint-label").queryTextInputControl().setText("proxy-2"));
        robot.interact(() -> robot.lookup("#endpoint-sandbox-url").queryTextInputControl().setText("https://sandbox-proxy.internal.example"));
        robot.interact(() -> robot.lookup("#endpoint-ca-cert").queryTextInputControl().setText(certs.certificate().toString()));
        settle();
        png(LatencyTestWindows.endpointDialog(w[0]), out.resolve("latency-add-endpoint.png"));
        robot.interact(() -> LatencyTestWindows.endpointDialog(w[0]).hide());

        robot.clickOn("#latency-run");
        until("both endpoints have frames on the timeline", () -> vm.lanes().stream().filter(l -> !l.frames().isEmpty())
                .map(Lane::column).distinct().count() >= 2 && vm.lanes().size() >= 4);
        settle();
        png(w[0].stage(), out.resolve("latency-live.png"));
        until("the run finished", () -> vm.statusProperty().get() == LatencyViewModel.Status.DONE);
        settle();
        png(w[0].stage(), out.resolve("latency-timeline.png"));
        TabPane tabs = w[0].pane().tabs();
        robot.interact(() -> {
            vm.metricProperty().set(new MetricKey(StreamKind.PTY, "echo"));
            tabs.getSelectionModel().select(1);
        });
        settle();
        png(w[0].stage(), out.resolve("latency-histogram.png"));
        robot.interact(() -> tabs.getSelectionModel().select(2));
        settle();
        png(w[0].stage(), out.resolve("latency-ab.png"));
        Tab first = tabs.getTabs().getFirst();
        robot.interact(() -> tabs.getSelectionModel().select(first));
        for (String f : FILES) System.out.println("screenshot: " + out.resolve(f));
    }

    /**
     * An OpenSandbox sandbox's execd (the spec-driven test server), directly and through CubeProxy's nginx over TLS:
     * its command streams are BUFFERED there, its PTY and polled watch are not.
     */
    @Test
    void takeTheExecdScreenshot(@TempDir Path tmp) throws Exception {
        TestCerts certs = prepare(tmp);
        Path out = out();
        openSandbox = new dev.sandtable.opensandbox.OpenSandboxTestServer("shots");
        openSandbox.execdGrace = Duration.ofSeconds(1);
        String id = openSandbox.seedSandbox("agent-7", "Running");
        openSandboxBackend = new dev.sandtable.opensandbox.OpenSandboxBackend(
                new dev.sandtable.opensandbox.OpenSandboxConfig(openSandbox.apiUrl(), "shots", Duration.ofMillis(300)));
        java.net.URI execd = java.net.URI.create(openSandboxBackend.execd(id).get(30, TimeUnit.SECONDS).base());
        nginx = NginxProxy.start(tmp.resolve("nginx"), "http://127.0.0.1:" + execd.getPort(),
                new NginxProxy.Options(false, true, null, null).withTls(certs.certificate(), certs.key()), NginxProxy.EXECD_STREAMING_LOCATION);
        robot.interact(() -> inventory.connect(openSandboxBackend));
        until("the sandbox is listed", () -> {
            robot.interact(() -> inventory.drain(1000));
            return inventory.sandboxes().findByName("agent-7") != null;
        });
        LatencyWindow.useForTests(() -> RunHistory.in(tmp.resolve("runs")), null);
        LatencyWindow[] w = new LatencyWindow[1];
        robot.interact(() -> w[0] = LatencyWindow.open(inventory, SandboxChoices.key(inventory.sandboxes().findByName("agent-7"))));
        LatencyViewModel vm = w[0].viewModel();
        robot.interact(() -> {
            vm.addEndpoint(new EndpointSpec("cubeproxy", nginx.url() + execd.getRawPath(), "", "", certs.certificate().toString()));
            vm.streams().setAll(StreamKind.START, StreamKind.BACKGROUND, StreamKind.PTY, StreamKind.WATCHDIR);
            vm.iterationsProperty().set(5);
            vm.windowMsProperty().set(1500);
        });
        robot.targetWindow(w[0].stage());
        robot.clickOn("#latency-run");
        until("the run finished", () -> vm.statusProperty().get() == LatencyViewModel.Status.DONE);
        settle();
        png(w[0].stage(), out.resolve("latency-execd.png"));
        System.out.println("screenshot: " + out.resolve("latency-execd.png"));
    }

    /** What both scenes need: nginx and openssl, an FX stage, and a CA with a certificate for the proxy's TLS. */
    private static TestCerts prepare(Path tmp) throws Exception {
        Requirements.require(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        Requirements.require(TestCerts.opensslPresent(), TestCerts.MISSING);
        Files.createDirectories(out());
        FxToolkit.registerPrimaryStage();
        return TestCerts.make(tmp.resolve("tls"));
    }

    private static Path out() {
        return Path.of(System.getProperty("sandtable.docs.images"));
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        FxWait.until(what, Duration.ofSeconds(120), c);
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(400);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void png(Window win, Path file) throws Exception {
        var image = WaitForAsyncUtils.asyncFx(() -> win.getScene().snapshot(null)).get(10, TimeUnit.SECONDS);
        int wd = (int) image.getWidth(), ht = (int) image.getHeight();
        BufferedImage img = new BufferedImage(wd, ht, BufferedImage.TYPE_INT_RGB);
        var pixels = image.getPixelReader();
        for (int y = 0; y < ht; y++) for (int x = 0; x < wd; x++) img.setRGB(x, y, pixels.getArgb(x, y));
        ImageIO.write(img, "png", file.toFile());
    }
}
