package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.LatencySummary;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.synthetic.SyntheticBackend;
import dev.sandtable.testing.Bench;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prints the cost of going through the service: request round trips, event delivery, and starting a detached
 * service. {@code ./mvnw -B verify -Pbench -pl backend -Dtest=ServiceBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class ServiceBenchmarkTest {
    static final int ROUNDS = Bench.count(1000);
    static final int STARTS = Bench.count(4, 1);

    @TempDir
    Path tmp;

    @Test
    void roundTripsAndEvents() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        SyntheticBackend backend = new SyntheticBackend();
        try (LocalService service = LocalService.start(paths, backend);
             ServiceClient client = ServiceClient.connect(service.info())) {
            client.create(CreateSandboxRequest.fromTemplate("bench", null)).join();
            backend.populate(100);
            Histogram inventory = new Histogram(3);
            Histogram pauseResume = new Histogram(3);
            Histogram event = new Histogram(3);
            AtomicReference<CompletableFuture<Void>> nextEvent = new AtomicReference<>(new CompletableFuture<>());
            try (var sub = client.watch(e -> {
                if (e instanceof BackendEvent.Upserted) nextEvent.get().complete(null);
            })) {
                for (int round = 0; round < 2; round++) { // the first round warms up
                    inventory.reset();
                    pauseResume.reset();
                    event.reset();
                    for (int i = 0; i < ROUNDS; i++) {
                        long t0 = System.nanoTime();
                        client.inventory().join();
                        inventory.recordValue((System.nanoTime() - t0) / 1000);
                        nextEvent.set(new CompletableFuture<>());
                        long t1 = System.nanoTime();
                        client.pause("bench").join();
                        nextEvent.get().join();
                        event.recordValue((System.nanoTime() - t1) / 1000);
                        long t2 = System.nanoTime();
                        client.resume("bench").join();
                        pauseResume.recordValue((System.nanoTime() - t2) / 1000);
                    }
                }
            }
            System.out.println("BENCH service round trips" + Bench.mark(ROUNDS));
            print("GET inventory (101 sandboxes)", inventory);
            print("POST resume", pauseResume);
            print("pause -> its event delivered", event);
        }
    }

    @Test
    void startingADetachedService() throws Exception {
        Histogram cold = new Histogram(3);
        Histogram warm = new Histogram(3);
        try {
            for (int i = 0; i < STARTS; i++) {
                RuntimePaths paths = RuntimePaths.under(tmp.resolve("home-" + i));
                ServiceConnector.Options options = ServiceConnector.Options.defaults().withBackend(ServiceBackends.SYNTHETIC);
                long t0 = System.nanoTime();
                try (ServiceClient c = ServiceConnector.connectOrStart(paths, options)) {
                    cold.recordValue((System.nanoTime() - t0) / 1000);
                }
                long t1 = System.nanoTime();
                try (ServiceClient c = ServiceConnector.connectOrStart(paths, options)) {
                    warm.recordValue((System.nanoTime() - t1) / 1000);
                }
            }
        } finally {
            ServiceProcesses.stopAllUnder(tmp);
        }
        System.out.println("BENCH starting a detached service" + Bench.mark(STARTS));
        print("connectOrStart, no service yet (synthetic backend)", cold);
        print("connectOrStart, service running", warm);
    }

    private static void print(String what, Histogram h) {
        LatencySummary s = LatencySummary.of(h);
        System.out.printf("BENCH %-52s n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n", what, s.count(),
                s.p50Micros() / 1000.0, s.p90Micros() / 1000.0, s.p99Micros() / 1000.0, s.maxMicros() / 1000.0);
    }
}
