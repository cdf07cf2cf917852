package dev.sandtable.local;

import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.sandtable.local.LocalTesting.await;

/** Local sandbox create latency (request to RUNNING), per isolation mode available here. */
@Tag("benchmark")
class CreateLatencyBenchmarkTest {
    private static final int WARMUP = Bench.count(10);
    private static final int RUNS = Bench.count(100);

    @TempDir
    Path tmp;

    @Test
    void createLatency() {
        measure("none", LocalTesting.FAST.withIsolation(IsolationMode.NONE), tmp.resolve("none"));
        if (BubblewrapLauncher.detect().launcher() != null)
            measure("bubblewrap", LocalTesting.FAST.withIsolation(IsolationMode.BUBBLEWRAP), tmp.resolve("bwrap"));
        else System.out.println("bubblewrap: skipped, " + BubblewrapLauncher.detect().whyNot());
    }

    private static void measure(String label, LocalRuntimeOptions opts, Path root) {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(root), opts)) {
            for (int i = 0; i < WARMUP; i++) await(rt.destroy(await(rt.create(CreateSandboxRequest.fromTemplate(null, null))).id()));
            LatencyStats create = new LatencyStats();
            LatencyStats destroy = new LatencyStats();
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate(null, null)));
                create.record(t0);
                long t1 = System.nanoTime();
                await(rt.destroy(s.id()));
                destroy.record(t1);
            }
            System.out.println(create.line("create, isolation " + label + ", " + rt.freezerDescription().split(" below")[0]) + Bench.mark(RUNS));
            System.out.println(destroy.line("destroy, isolation " + label));
        }
    }
}
