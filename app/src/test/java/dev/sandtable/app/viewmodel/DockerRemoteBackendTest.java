package dev.sandtable.app.viewmodel;

import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.app.remote.RemoteBackendStore;
import dev.sandtable.docker.DockerBackend;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** "Add backend…" with a unix:// or tcp:// URL adds a Docker engine (no key); it is saved and comes back. */
class DockerRemoteBackendTest {
    @TempDir
    Path tmp;

    @Test
    void aDockerUrlNeedsNoKeyAndMakesADockerBackend() throws Exception {
        RemoteBackendSpec spec = new RemoteBackendSpec("lab engine", "unix://" + tmp.resolve("docker.sock"), "", "", E2bConfig.Routing.HOST, "");
        assertThat(spec.isDocker()).isTrue();
        assertThat(spec.problem()).isNull();
        assertThat(new RemoteBackendSpec("x", "ssh://me@box", "", "", null, "").problem()).contains("must look like"); // not docker: E2B rules
        assertThat(new RemoteBackendSpec("x", "tcp://", "", "", null, "").problem()).contains("not a valid Docker host");
        assertThat(new RemoteBackendSpec("x", "https://api.e2b.app", "", "", null, "").problem()).contains("API key");

        RemoteBackendStore store = RemoteBackendStore.file(tmp.resolve("remote-backends.json"));
        try (SyntheticBackend local = new SyntheticBackend()) {
            WindowViewModel vm = new WindowViewModel(List.of(local), new Notifier() {
                @Override
                public void error(String title, String message) {
                }

                @Override
                public void info(String title, String message) {
                }
            }, Runnable::run, Runnable::run, Clock.systemUTC(), store, RemoteBackends::e2b);
            BackendViewModel added = vm.addBackend(spec);
            Backend b = added.backend();
            assertThat(b).isInstanceOf(DockerBackend.class);
            assertThat(b.info().kind()).isEqualTo(BackendKind.DOCKER);
            assertThat(added.displayName()).isEqualTo("lab engine");
            // nothing answers on that socket: the entry says why, and keeps trying
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (added.state() != ConnectionState.DISCONNECTED && System.nanoTime() < deadline) {
                vm.inventory().drainAll();
                Thread.sleep(20);
            }
            assertThat(added.state()).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(added.messageProperty().get()).contains("no Docker engine answers");
            assertThat(store.load()).extracting(RemoteBackendSpec::apiUrl).containsExactly(spec.apiUrl());
            vm.removeBackend(added);
        }
    }
}
