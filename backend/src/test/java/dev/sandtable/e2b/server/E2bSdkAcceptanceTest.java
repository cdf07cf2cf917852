package dev.sandtable.e2b.server;

import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.service.ServiceMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The acceptance test: the official {@code e2b} npm SDK (src/test/e2b-sdk/acceptance.mjs) against a real service on
 * the local runtime (bubblewrap when it works here), pointed at it with the printed E2B_* variables. Skipped when
 * node is missing; installs the SDK with {@code npm ci} when node_modules is absent.
 */
class E2bSdkAcceptanceTest {
    static final Path SDK_DIR = Path.of("src/test/e2b-sdk");

    @TempDir
    Path dir;

    @Test
    void theOfficialSdkDrivesTheLocalService() throws Exception {
        assumeTrue(runs(List.of("node", "--version")), "node is not installed: the E2B SDK acceptance test is skipped");
        if (!Files.isDirectory(SDK_DIR.resolve("node_modules/e2b"))) {
            assumeTrue(runs(List.of("npm", "--version")), "npm is not installed and the e2b SDK is missing: skipped");
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), Duration.ofMinutes(5));
            assumeTrue(install.code == 0 && Files.isDirectory(SDK_DIR.resolve("node_modules/e2b")),
                    "could not install the e2b SDK with npm ci (skipped):\n" + install.output);
        }
        try (E2bTestServer server = new E2bTestServer(dir, LocalRuntimeOptions.defaults().withStopGrace(Duration.ofMillis(500)))) {
            Map<String, String> env = new java.util.HashMap<>();
            for (String line : ServiceMain.e2bEnvironment(server.service.info())) {
                int eq = line.indexOf('=');
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
            Result r = run(List.of("node", "acceptance.mjs"), env, Duration.ofMinutes(3));
            System.out.println(r.output);
            assertThat(r.code).as(r.output).isZero();
            assertThat(r.output).contains("PASSED");
        }
    }

    private record Result(int code, String output) {
    }

    private static boolean runs(List<String> argv) {
        try {
            return run(argv, Map.of(), Duration.ofSeconds(30)).code == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Result run(List<String> argv, Map<String, String> env, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(SDK_DIR.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("e2b-sdk", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Result(-1, "timed out after " + timeout + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
