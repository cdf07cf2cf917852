package dev.sandtable.local;

import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.model.Sandbox;
import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.waitUntil;

/** Claim latency from a warm pool against creating a sandbox cold, in the same run. Prints p50, p99 and the ratio. */
@Tag("benchmark")
class PoolClaimBenchmarkTest {
    private static final int WARMUP = Bench.count(10);
    private static final int COLD = Bench.count(60);
    private static final int WARM = Bench.count(300);

    @TempDir
    Path tmp;

    @Test
    void warmClaimVersusColdCreate() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.FAST)) {
            System.out.println("local runtime: " + rt.isolation().mechanism() + " (" + rt.isolation().detail() + "); "
                    + rt.freezerDescription() + Bench.mark(COLD + WARM));
            for (int i = 0; i < WARMUP; i++) await(rt.destroy(await(rt.create(CreateSandboxRequest.fromTemplate(null, null))).id()));

            LatencyStats cold = new LatencyStats();
            for (int i = 0; i < COLD; i++) {
                long t0 = System.nanoTime();
                Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate(null, null)));
                cold.record(t0);
                await(rt.destroy(s.id()));
            }

            await(rt.createPool(new PoolSpec("bench", null, 2, 8)));
            waitUntil("the pool is warm", () -> rt.inventory().pools().getFirst().idle() == 2);
            LatencyStats warm = new LatencyStats();
            int hits = 0;
            for (int i = 0; i < WARMUP + WARM; i++) {
                long t0 = System.nanoTime();
                Claim c = await(rt.claim("bench"));
                if (i >= WARMUP) {
                    warm.record(t0);
                    if (c.warm()) hits++;
                }
                await(rt.release(c.id(), ReleaseMode.PUT));
            }
            System.out.println(cold.line("cold create (new sandbox, running)"));
            System.out.println(warm.line("warm claim (resume an idle member)"));
            System.out.printf("warm hits: %d of %d; cold/warm ratio: p50 %.1fx, p99 %.1fx%n", hits, WARM,
                    cold.p50Millis() / warm.p50Millis(), cold.p99Millis() / warm.p99Millis());
            System.out.println("pool stats (runtime-side claim latency): " + rt.inventory().pools().getFirst().stats());
        }
    }
}
