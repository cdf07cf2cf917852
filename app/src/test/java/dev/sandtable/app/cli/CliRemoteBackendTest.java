package dev.sandtable.app.cli;

import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.opensandbox.OpenSandboxTestServer;
import dev.sandtable.spi.PoolSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --backend opensandbox} (and e2b, configured the same way) on the existing commands, from the environment. */
class CliRemoteBackendTest {
    static final String KEY = "cli-os-key";
    @AfterEach
    void restore() {
        CliContext.environment = System::getenv;
    }

    @Test
    void anOpenSandboxServerNamedByTheEnvironmentIsListedAndOperated(@TempDir Path tmp) throws Exception {
        try (OpenSandboxTestServer server = new OpenSandboxTestServer(KEY);
             OpenSandboxBackend seeder = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofMillis(100)))) {
            String web = server.seedSandbox("os-web", "Running");
            seeder.snapshot(web, "os-snap").join();
            seeder.createPool(new PoolSpec("os-warm", "python:3.11", 1, 3)).join();
            CliContext.environment = () -> Map.of("OPEN_SANDBOX_API_URL", server.apiUrl().toString(), "OPEN_SANDBOX_API_KEY", KEY,
                    "SANDTABLE_OPENSANDBOX_POLL_MS", "100");
            CliRunner cli = new CliRunner(tmp.resolve("home"));

            CliRunner.Result ls = cli.run("--backend", "opensandbox", "ls");
            assertThat(ls.code()).as(ls.toString()).isZero();
            assertThat(ls.out()).contains("os-web", "Running");
            CliRunner.Result pools = cli.run("--backend", "opensandbox", "pool", "ls");
            assertThat(pools.out()).as(pools.toString()).contains("os-warm");
            CliRunner.Result snaps = cli.run("--backend", "opensandbox", "snapshots");
            assertThat(snaps.out()).as(snaps.toString()).contains("os-snap");

            CliRunner.Result pause = cli.run("--backend", "opensandbox", "pause", web);
            assertThat(pause.code()).as(pause.toString()).isZero();
            assertThat(server.requests()).anyMatch(r -> r.startsWith("POST /sandboxes/" + web + "/pause"));

            CliContext.environment = () -> Map.of("OPEN_SANDBOX_API_URL", server.apiUrl().toString(), "OPEN_SANDBOX_API_KEY", "wrong");
            CliRunner.Result refused = cli.run("--backend", "opensandbox", "ls");
            assertThat(refused.code()).isNotZero();
            assertThat(refused.err()).containsIgnoringCase("key");
            assertThat(server.violations()).isEmpty();
        }
    }

    @Test
    void anUnknownBackendNamesTheChoices(@TempDir Path tmp) {
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("--backend", "nimbus", "ls");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown backend 'nimbus'", "e2b", "opensandbox");
    }
}
