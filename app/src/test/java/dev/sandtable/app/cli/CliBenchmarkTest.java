package dev.sandtable.app.cli;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.service.ServiceFiles;
import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Wall time of one {@code sandtable ls} in its own JVM (java -cp, the way ./sandtable runs it, without the script's
 * class-data archive), with the local-runtime service running and with no service yet (cold start).
 * {@code ./mvnw -B verify -Pbench -pl app -am -Dtest=CliBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class CliBenchmarkTest {
    @TempDir
    Path home;

    @Test
    void lsRoundTrip() throws Exception {
        RuntimePaths paths = RuntimePaths.under(home);
        try {
            long cold = timeLs();
            List<Long> warm = new ArrayList<>();
            for (int i = 0; i < Bench.count(5, 1); i++) warm.add(timeLs());
            stop(paths);
            List<Long> colds = new ArrayList<>(List.of(cold));
            for (int i = 0; i < Bench.count(2, 0); i++) {
                colds.add(timeLs());
                stop(paths);
            }
            System.out.println("BENCH sandtable ls, service running (ms): " + warm + Bench.mark(warm.size()));
            System.out.println("BENCH sandtable ls, cold start of the local-runtime service (ms): " + colds + Bench.mark(colds.size()));
        } finally {
            stop(paths);
        }
    }

    private long timeLs() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.sandtable.app.Launcher", "--home", home.toString(), "ls");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("ls failed");
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void stop(RuntimePaths paths) {
        ServiceFiles.read(paths).ifPresent(info -> {
            try (ServiceClient c = ServiceClient.connect(info)) {
                c.shutdown().join();
            } catch (RuntimeException ignored) {
                // already gone
            }
            ProcessHandle.of(info.pid()).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        });
    }
}
