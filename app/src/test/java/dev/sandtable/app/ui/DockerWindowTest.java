package dev.sandtable.app.ui;

import com.github.dockerjava.api.DockerClient;
import dev.sandtable.app.terminal.TerminalTab;
import dev.sandtable.docker.DockerBackend;
import dev.sandtable.docker.DockerHost;
import dev.sandtable.docker.DockerTestEngine;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.synthetic.SyntheticBackend;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The window on a Docker engine beside another backend: its containers are rows that follow the engine, and a terminal runs in one. */
class DockerWindowTest {
    private final WindowDriver w = new WindowDriver();
    private DockerClient raw;
    private String containerId;

    @AfterEach
    void tearDown() throws Exception {
        try {
            w.stop();
        } finally {
            if (containerId != null) try {
                raw.removeContainerCmd(containerId).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // removed by the test
            }
        }
    }

    @Test
    void containersShowFollowTheEngineAndTakeATerminal() throws Exception {
        DockerHost host = DockerTestEngine.require();
        raw = DockerTestEngine.rawClient(host);
        DockerTestEngine.ensureImage(raw, host);
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        String name = "win-" + HexFormat.of().formatHex(b);

        SyntheticBackend local = new SyntheticBackend();
        local.create(CreateSandboxRequest.fromTemplate("local-1", null)).join();
        DockerBackend docker = new DockerBackend(host);
        containerId = docker.create(CreateSandboxRequest.fromTemplate(name, DockerTestEngine.IMAGE)).join().id();
        w.start(List.of(local, docker));
        w.until("the container shows beside the local sandbox", () -> w.names("sandbox").containsAll(List.of(name, "local-1")));
        w.until("the engine is connected", () -> WindowDriver.fx(() -> w.vm().inventory().backend(docker.info().id()).state()) == ConnectionState.CONNECTED);
        assertThat(WindowDriver.fx(() -> w.vm().inventory().backends().stream().map(x -> x.displayName()).toList()))
                .contains(docker.info().displayName());

        raw.pauseContainerCmd(containerId).exec();
        w.until("the row shows the pause made outside Sandtable", () -> WindowDriver.fx(() ->
                w.vm().inventory().sandboxes().findByName(name).value().state()) == SandboxState.PAUSED);
        raw.unpauseContainerCmd(containerId).exec();
        w.until("running again", () -> WindowDriver.fx(() -> w.vm().inventory().sandboxes().findByName(name).value().state()) == SandboxState.RUNNING);

        w.clickRow("sandbox", name);
        assertThat(WindowDriver.fx(() -> w.vm().availability(dev.sandtable.app.viewmodel.SandtableAction.STOP).enabled()))
                .as("Docker containers can be stopped").isTrue();
        w.shortcut(KeyCode.SHIFT, KeyCode.S);
        w.until("stopped from the window", () -> WindowDriver.fx(() -> w.vm().inventory().sandboxes().findByName(name).value().state()) == SandboxState.SUSPENDED);
        assertThat(raw.inspectContainerCmd(containerId).exec().getState().getRunning()).isFalse();
        w.shortcut(KeyCode.R);
        w.until("Resume starts it again", () -> WindowDriver.fx(() -> w.vm().inventory().sandboxes().findByName(name).value().state()) == SandboxState.RUNNING);

        TerminalTab tab = w.openTerminal(name);
        w.runInTerminal(tab, "echo in-docker-$((6*7))", "in-docker-42");
        assertThat(tab.getText()).startsWith(name);
    }
}
