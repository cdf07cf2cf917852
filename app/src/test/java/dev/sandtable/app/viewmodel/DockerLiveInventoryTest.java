package dev.sandtable.app.viewmodel;

import com.github.dockerjava.api.DockerClient;
import dev.sandtable.docker.DockerBackend;
import dev.sandtable.docker.DockerHost;
import dev.sandtable.docker.DockerTestEngine;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A Docker engine beside another backend in the window's model: its containers are rows that follow the engine. */
@Timeout(120)
class DockerLiveInventoryTest {

    @Test
    void containersAreRowsBesideTheOtherBackendsAndFollowTheEngine() throws Exception {
        DockerHost host = DockerTestEngine.require();
        DockerClient raw = DockerTestEngine.rawClient(host);
        DockerTestEngine.ensureImage(raw, host);
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        String name = "vm-" + HexFormat.of().formatHex(b);
        String id = raw.createContainerCmd(DockerTestEngine.IMAGE).withName(name).withCmd("sleep", "600").exec().getId();
        try (SyntheticBackend synthetic = new SyntheticBackend(); DockerBackend docker = new DockerBackend(host);
             LiveInventory inv = new LiveInventory()) {
            raw.startContainerCmd(id).exec();
            inv.connect(synthetic);
            BackendViewModel engine = inv.connect(docker);
            until(inv, () -> engine.state() == ConnectionState.CONNECTED && row(inv, name) != null && row(inv, name).state() == SandboxState.RUNNING);
            assertThat(inv.backends()).extracting(BackendViewModel::id).contains(docker.info().id());
            assertThat(engine.info().kind()).isEqualTo(BackendKind.DOCKER);
            raw.pauseContainerCmd(id).exec();
            until(inv, () -> row(inv, name).state() == SandboxState.PAUSED);
            raw.removeContainerCmd(id).withForce(true).exec();
            until(inv, () -> row(inv, name) == null);
        } finally {
            try {
                raw.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // removed by the test
            }
        }
    }

    static Sandbox row(LiveInventory inv, String name) {
        var r = inv.sandboxes().findByName(name);
        return r == null ? null : r.value();
    }

    /** Drains as the window's pulse would, until the condition holds. */
    static void until(LiveInventory inv, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            inv.drainAll();
            if (condition.getAsBoolean()) return;
            if (System.nanoTime() > deadline) throw new AssertionError("not reached within 30 s; rows: "
                    + inv.sandboxes().allRows().stream().map(r -> r.value().name() + "=" + r.value().state()).toList());
            Thread.sleep(16);
        }
    }
}
