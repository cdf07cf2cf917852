package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.testing.Bench;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Docker numbers, same image, same run: a warm claim (unpause an idle pool member) against a cold create and start,
 * and the time from a container's state change (the engine's pause call returning) to the live view's row update.
 * Run: {@code ./mvnw -B verify -Pbench -pl backend -Dtest=DockerBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class DockerBenchmarkTest {
    private static final int WARMUP = Bench.count(3, 1);
    private static final int COLD = Bench.count(20);
    private static final int WARM = Bench.count(40);
    private static final int STATE_CHANGES = Bench.count(30, 4); // even: the container ends running

    @Test
    void warmClaimVersusColdCreateAndEventToRowLatency() throws Exception {
        DockerHost host = DockerTestEngine.require();
        DockerClient raw = DockerTestEngine.rawClient(host);
        DockerTestEngine.ensureImage(raw, host);
        String run = HexFormat.of().formatHex(bytes());
        try (DockerBackend backend = new DockerBackend(host)) {
            EventLog events = new EventLog();
            backend.watch(events);
            events.await(e -> e instanceof BackendEvent.Synced, "synced");
            System.out.println("engine: " + raw.versionCmd().exec().getVersion() + ", API " + backend.apiVersion().get() + ", image " + DockerTestEngine.IMAGE
                    + Bench.mark(COLD + WARM + STATE_CHANGES));

            Histogram cold = histogram();
            for (int i = 0; i < WARMUP + COLD; i++) {
                long t0 = System.nanoTime();
                Sandbox s = backend.create(CreateSandboxRequest.fromTemplate("bench-" + run + "-c" + i, DockerTestEngine.IMAGE)).get(60, TimeUnit.SECONDS);
                if (i >= WARMUP) cold.recordValue(micros(t0));
                backend.destroy(s.id()).get(60, TimeUnit.SECONDS);
            }

            String pool = "bench-" + run;
            backend.createPool(new PoolSpec(pool, DockerTestEngine.IMAGE, 2, 4)).get(60, TimeUnit.SECONDS);
            EventLog.eventually(() -> backend.awaitInventory(Duration.ofSeconds(5)).pools().stream().anyMatch(p -> p.name().equals(pool) && p.idle() == 2),
                    Duration.ofSeconds(60), "the pool is warm");
            Histogram warm = histogram();
            int hits = 0;
            for (int i = 0; i < WARMUP + WARM; i++) {
                long t0 = System.nanoTime();
                Claim c = backend.claim(pool).get(60, TimeUnit.SECONDS);
                if (i >= WARMUP) {
                    warm.recordValue(micros(t0));
                    if (c.warm()) hits++;
                }
                backend.release(c.id(), ReleaseMode.PUT).get(60, TimeUnit.SECONDS);
            }
            backend.deletePool(pool).get(60, TimeUnit.SECONDS);

            Sandbox s = backend.create(CreateSandboxRequest.fromTemplate("bench-" + run + "-ev", DockerTestEngine.IMAGE)).get(60, TimeUnit.SECONDS);
            Histogram toRow = histogram();
            for (int i = 0; i < STATE_CHANGES; i++) {
                boolean pause = i % 2 == 0;
                int mark = events.size();
                if (pause) raw.pauseContainerCmd(s.id()).exec();
                else raw.unpauseContainerCmd(s.id()).exec();
                long changed = System.nanoTime();
                SandboxState want = pause ? SandboxState.PAUSED : SandboxState.RUNNING;
                long arrived = events.arrivalOf(mark, e -> e instanceof BackendEvent.Upserted u && u.resource() instanceof Sandbox x
                        && x.id().equals(s.id()) && x.state() == want, Duration.ofSeconds(30), "row update");
                toRow.recordValue(Math.max(1, (arrived - changed) / 1000));
            }
            backend.destroy(s.id()).get(60, TimeUnit.SECONDS);

            System.out.println(line("cold create + start (new container, running)", cold));
            System.out.println(line("warm claim (unpause an idle member)", warm));
            System.out.printf(Locale.ROOT, "warm hits: %d of %d; warm/cold p50: %.3f (goal <= 0.1); cold/warm p50 ratio %.1fx%n", hits, WARM,
                    (double) warm.getValueAtPercentile(50) / cold.getValueAtPercentile(50),
                    (double) cold.getValueAtPercentile(50) / warm.getValueAtPercentile(50));
            System.out.println(line("state change (pause/unpause returned) -> row update in the live view", toRow));
        }
    }

    private static Histogram histogram() {
        return new Histogram(60_000_000L, 3);
    }

    private static long micros(long t0) {
        return Math.max(1, (System.nanoTime() - t0) / 1000);
    }

    private static String line(String what, Histogram h) {
        return String.format(Locale.ROOT, "%-70s n=%d p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms", what, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private static byte[] bytes() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
