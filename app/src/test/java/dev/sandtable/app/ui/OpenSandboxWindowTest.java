package dev.sandtable.app.ui;

import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.synthetic.SyntheticBackend;
import dev.sandtable.app.terminal.TerminalTab;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's acceptance in the window: an OpenSandbox server (the specification-driven test server) added through
 * "Add backend…" as the OpenSandbox kind shows its sandboxes, snapshots and pools in the tables; a terminal on one of
 * its sandboxes is a real PTY over execd's {@code /pty} WebSocket.
 */
class OpenSandboxWindowTest {
    private static final String KEY = "os-window-key";
    private final WindowDriver w = new WindowDriver();
    private OpenSandboxTestServer server;
    private OpenSandboxBackend seeder;

    @AfterEach
    void tearDown() throws Exception {
        try {
            w.stop();
        } finally {
            if (seeder != null) seeder.close();
            if (server != null) server.close();
        }
        assertThat(server.violations()).as("requests and answers conform to the OpenSandbox specification").isEmpty();
    }

    @Test
    void anOpenSandboxServerAddedThroughTheDialogShowsItsSandboxesSnapshotsAndPools() throws Exception {
        server = new OpenSandboxTestServer(KEY);
        String web = server.seedSandbox("os-web", "Running");
        server.seedSandbox("os-idle", "Paused");
        seeder = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofMillis(100)));
        seeder.snapshot(web, "os-snap").join();
        seeder.createPool(new PoolSpec("os-warm", "python:3.11", 1, 3)).join();

        SyntheticBackend local = new SyntheticBackend();
        local.create(CreateSandboxRequest.fromTemplate("local-1", null)).join();
        w.start(List.of(local));
        w.until("the local sandbox shows", () -> w.names("sandbox").contains("local-1"));

        w.shortcut(KeyCode.SHIFT, KeyCode.B);
        w.awaitDialog("Add backend");
        boolean domainDisabled = WindowDriver.fx(() -> {
            @SuppressWarnings("unchecked")
            ComboBox<RemoteBackendSpec.Kind> kind = w.robot.lookup("#backend-kind").queryAs(ComboBox.class);
            kind.setValue(RemoteBackendSpec.Kind.OPENSANDBOX);
            w.robot.lookup("#backend-api-url").queryAs(TextField.class).setText(server.apiUrl().toString());
            w.robot.lookup("#backend-api-key").queryAs(TextField.class).setText(KEY);
            return w.robot.lookup("#backend-domain").queryAs(TextField.class).isDisabled();
        });
        assertThat(domainDisabled).as("E2B-only fields are disabled for OpenSandbox").isTrue();
        w.robot.clickOn("#backend-name").write("opensandbox");
        w.robot.clickOn("#dialog-ok");
        w.awaitNoDialog();

        w.until("the OpenSandbox sandboxes show", () -> w.names("sandbox").containsAll(List.of("os-web", "os-idle", "local-1")));
        w.until("the OpenSandbox snapshot shows", () -> w.names("snapshot").contains("os-snap"));
        w.until("the OpenSandbox pool shows", () -> w.names("pool").contains("os-warm"));
        assertThat(WindowDriver.fx(() -> w.vm().inventory().sandboxes().findByName("os-web").backend().backend()))
                .isInstanceOf(OpenSandboxBackend.class);
        assertThat(WindowDriver.fx(() -> w.vm().inventory().sandboxes().findByName("os-idle").value().state()))
                .isEqualTo(dev.sandtable.model.SandboxState.PAUSED);
        assertThat(WindowDriver.fx(() -> w.vm().remotes().specs().getFirst().kind())).isEqualTo(RemoteBackendSpec.Kind.OPENSANDBOX);
    }

    @Test
    void aTerminalOnAnOpenSandboxSandboxIsARealPtyOverExecd() throws Exception {
        server = new OpenSandboxTestServer(KEY);
        server.seedSandbox("os-shell", "Running");
        OpenSandboxBackend os = seeder = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofMillis(100)));
        SyntheticBackend local = new SyntheticBackend();
        w.start(List.of(local, os));
        w.until("the OpenSandbox sandbox shows", () -> w.names("sandbox").contains("os-shell"));

        TerminalTab tab = w.openTerminal("os-shell");
        w.runInTerminal(tab, "echo in-os-$((6*7)) on $(tty | cut -c1-8)", "in-os-42 on /dev/pts");
        assertThat(tab.getText()).startsWith("os-shell");
        assertThat(server.requests()).as("the terminal is execd's PTY, not the line-mode fallback").contains("POST execd /pty")
                .noneMatch(r -> r.startsWith("POST execd /session"));
    }
}
