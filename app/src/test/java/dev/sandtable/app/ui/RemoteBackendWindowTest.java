package dev.sandtable.app.ui;

import dev.sandtable.app.terminal.TerminalTab;
import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.synthetic.SyntheticBackend;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3's acceptance: a second Sandtable service (its own local runtime, E2B routes on) is added through the
 * "Add backend" dialog; its sandbox shows beside the first backend's, and a terminal opened on it runs a command there.
 */
class RemoteBackendWindowTest {
    private final WindowDriver w = new WindowDriver();
    private LocalService service;
    private E2bBackend seeder;

    @AfterEach
    void tearDown() throws Exception {
        try {
            w.stop();
        } finally {
            if (seeder != null) seeder.close();
            if (service != null) service.stop();
        }
    }

    private boolean backendColumnVisible() {
        return WindowDriver.fx(() -> w.table("sandbox").getColumns().stream().filter(c -> "sandbox-backend-column".equals(c.getId()))
                .findFirst().orElseThrow().isVisible());
    }

    @Test
    void aSecondServeAddedThroughTheDialogShowsItsSandboxAndOpensATerminalOnIt(@TempDir Path tmp) throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        LocalRuntimeOptions options = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
                .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        String url = service.info().url(), key = service.info().apiKey();
        seeder = new E2bBackend(new E2bConfig(URI.create(url), key, "localhost", E2bConfig.Routing.SANDBOX_URL, URI.create(url),
                Duration.ofMillis(200), null));
        seeder.create(new CreateSandboxRequest("remote-1", "base", null, Map.of())).join();

        SyntheticBackend local = new SyntheticBackend();
        local.create(CreateSandboxRequest.fromTemplate("local-1", null)).join();
        w.start(List.of(local));
        w.until("the local sandbox shows", () -> w.names("sandbox").contains("local-1"));
        assertThat(backendColumnVisible()).as("one backend: no Backend column").isFalse();

        w.shortcut(KeyCode.SHIFT, KeyCode.B);
        w.awaitDialog("Add backend");
        w.robot.clickOn("#backend-name").write("second");
        WindowDriver.fx(() -> {
            w.robot.lookup("#backend-api-url").queryAs(TextField.class).setText(url);
            w.robot.lookup("#backend-api-key").queryAs(TextField.class).setText(key);
            w.robot.lookup("#backend-domain").queryAs(TextField.class).setText("localhost");
            @SuppressWarnings("unchecked")
            ComboBox<E2bConfig.Routing> routing = w.robot.lookup("#backend-routing").queryAs(ComboBox.class);
            routing.setValue(E2bConfig.Routing.SANDBOX_URL);
            w.robot.lookup("#backend-routing-url").queryAs(TextField.class).setText(url);
            return null;
        });
        w.robot.clickOn("#dialog-ok");
        w.awaitNoDialog();

        w.until("the second backend's sandbox shows", () -> w.names("sandbox").contains("remote-1"));
        assertThat(w.names("sandbox")).contains("local-1");
        assertThat(backendColumnVisible()).as("two backends: rows say which").isTrue();
        w.until("the second backend connects", () -> w.vm().inventory().backends().get(1).state() == dev.sandtable.spi.ConnectionState.CONNECTED);
        assertThat(WindowDriver.fx(() -> w.vm().inventory().backends().stream().map(b -> b.displayName()).toList()))
                .containsExactly("Synthetic", "second");
        assertThat(WindowDriver.fx(() -> w.vm().inventory().sandboxes().findByName("remote-1").backend().backend()))
                .isInstanceOf(E2bBackend.class);

        TerminalTab tab = w.openTerminal("remote-1");
        w.runInTerminal(tab, "echo on-second-$((6*7))", "on-second-42");
        assertThat(tab.getText()).startsWith("remote-1");
    }
}
