package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ServiceMainTest {
    @TempDir
    Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ServiceMain.run(List.of(args), new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void aSecondServeSaysWhoIsRunningAndExitsWithFour() {
        try (LocalService running = LocalService.start(RuntimePaths.under(tmp), new SyntheticBackend())) {
            assertThat(run("serve", "--home", tmp.toString(), "--backend", "synthetic")).isEqualTo(ServiceMain.EXIT_ALREADY_RUNNING);
            assertThat(err.toString()).contains("already running").contains(running.info().url());
            assertThat(ServiceFiles.read(RuntimePaths.under(tmp))).contains(running.info());
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run()).isEqualTo(ServiceMain.EXIT_USAGE);
        assertThat(run("serve", "--port")).isEqualTo(ServiceMain.EXIT_USAGE);
        assertThat(run("serve", "--data", tmp.toString())).isEqualTo(ServiceMain.EXIT_USAGE);
        assertThat(run("serve", "--home", tmp.toString(), "--backend", "nope")).isEqualTo(ServiceMain.EXIT_USAGE);
        assertThat(err.toString()).contains("unknown backend 'nope'");
        assertThat(ServiceFiles.serviceJson(RuntimePaths.under(tmp))).doesNotExist();
    }

    @Test
    void serveRunsUntilShutdownAndPrintsItsAddressKeyAndReadyLine() throws Exception {
        Thread serving = Thread.ofVirtual().start(() -> run("serve", "--home", tmp.toString(), "--backend", "synthetic"));
        RuntimePaths paths = RuntimePaths.under(tmp);
        Eventually.until("serving", () -> ServiceFiles.read(paths).isPresent());
        ServiceInfo info = ServiceFiles.read(paths).orElseThrow();
        Eventually.until("ready line", () -> out.toString().contains("ready"));
        assertThat(out.toString()).contains(info.url()).contains(info.apiKey());
        try (ServiceClient c = ServiceClient.connect(info)) {
            c.shutdown().join();
        }
        serving.join();
        assertThat(ServiceFiles.read(paths)).isEmpty();
    }
}
