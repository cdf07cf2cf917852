package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.kubernetes.AgentKind;
import dev.sandtable.kubernetes.AgentSandboxMock;
import dev.sandtable.kubernetes.KubeTarget;
import dev.sandtable.kubernetes.KubernetesBackend;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.testing.Bench;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import javafx.scene.Scene;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Kubernetes at scale: 10,000 pods and 1,000 Sandbox objects in fabric8's CRUD mock API server, a steady stream of
 * label updates, the real window. Prints: update to backend event (informer to model), update to row changed in the
 * Sandboxes table (the FX thread sees the new value), FX pulse p99, heap after GC, and the list requests the API
 * server saw while the tables were open (they must not grow with refreshes).
 * Run: ./mvnw -B verify -Pbench -pl backend,app -Dtest=KubernetesWindowBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("benchmark")
@EnableKubernetesMockClient(crud = true)
class KubernetesWindowBenchmarkTest {
    static final int PODS = Bench.count(10_000);
    static final int SANDBOXES = Bench.count(1_000);
    static final int UPDATES_PER_SECOND = 50;
    static final int SECONDS = Bench.seconds(20);

    /** The mock logs every request at INFO; kept quiet (and referenced, so the setting is not collected). */
    static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    KubernetesMockServer server;
    KubernetesClient client;
    private final WindowDriver w = new WindowDriver();

    @AfterEach
    void stop() throws Exception {
        dev.sandtable.kubernetes.MockServerTeardown.serverFirst(server, w::stop);
    }

    @Test
    void tenThousandPodsAndAThousandSandboxesWithSteadyUpdates() throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        String ns = AgentSandboxMock.NS;
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            IntStream.range(0, PODS).forEach(i -> pool.execute(() -> client.pods().inNamespace(ns)
                    .resource(AgentSandboxMock.pod(String.format("pod-%05d", i), "Running", Map.of("app", "agent"))).create()));
            IntStream.range(0, SANDBOXES).forEach(i -> pool.execute(() -> AgentSandboxMock.create(client,
                    AgentSandboxMock.sandbox(String.format("sbx-%04d", i), true, null, false))));
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        drainRequests();

        KubernetesBackend backend = new KubernetesBackend(server.createClient(), new KubeTarget("mock", ns, null),
                KubernetesBackend.Options.defaults(), Clock.systemUTC());
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Histogram toEvent = new Histogram(60_000_000L, 3);
        backend.watch(e -> {
            if (e instanceof BackendEvent.Upserted u && u.resource() instanceof Sandbox s) {
                Long at = sentAt.get(s.name() + "#" + s.metadata().get("seq"));
                if (at != null) toEvent.recordValue(Math.max(1, (System.nanoTime() - at) / 1000));
            }
        });
        long s0 = System.nanoTime();
        w.start(List.of(backend));
        w.until("all rows are listed", () -> w.vm().inventory().sandboxes().rows().size() == PODS + SANDBOXES);
        double syncSeconds = (System.nanoTime() - s0) / 1e9;

        Histogram pulses = new Histogram(3_600_000_000L, 3);
        Histogram toRow = new Histogram(60_000_000L, 3);
        Map<String, Long> pendingRows = new ConcurrentHashMap<>();
        long[] pending = {0, 0};
        Scene scene = WindowDriver.fx(() -> w.app.window().scene());
        WindowDriver.fx(() -> {
            w.app.window().controller().setBatchTimeListener(n -> pending[0] += n);
            scene.addPreLayoutPulseListener(() -> pending[1] = System.nanoTime());
            scene.addPostLayoutPulseListener(() -> {
                pulses.recordValue((pending[0] + (System.nanoTime() - pending[1])) / 1000);
                pending[0] = 0;
                var table = w.vm().inventory().sandboxes();
                for (var it = pendingRows.entrySet().iterator(); it.hasNext(); ) {
                    var p = it.next();
                    String[] nameSeq = p.getKey().split("#");
                    Row<Sandbox> row = table.findByName(nameSeq[0]);
                    if (row != null && nameSeq[1].equals(row.value().metadata().get("seq"))) {
                        toRow.recordValue(Math.max(1, (System.nanoTime() - p.getValue()) / 1000));
                        it.remove();
                    }
                }
            });
            return null;
        });

        long gc0 = gcMillis();
        int total = UPDATES_PER_SECOND * SECONDS;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / UPDATES_PER_SECOND;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            String seq = Integer.toString(i);
            boolean pod = i % 2 == 0;
            String name = pod ? String.format("pod-%05d", (i * 7919) % PODS) : String.format("sbx-%04d", (i * 31) % SANDBOXES);
            long now = System.nanoTime();
            sentAt.put(name + "#" + seq, now);
            pendingRows.put(name + "#" + seq, now);
            if (pod) client.pods().inNamespace(ns).withName(name).edit(p -> {
                p.getMetadata().getLabels().put("seq", seq);
                return p;
            });
            else client.genericKubernetesResources(AgentKind.SANDBOX.context(AgentKind.V1BETA1)).inNamespace(ns).withName(name).edit(g -> {
                Map<String, String> labels = new HashMap<>(g.getMetadata().getLabels() == null ? Map.of() : g.getMetadata().getLabels());
                labels.put("seq", seq);
                g.getMetadata().setLabels(labels);
                return g;
            });
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2000);
        // refreshing the view (new subscriptions, as a second window or a reconnecting client would) lists nothing
        for (int i = 0; i < 10; i++) backend.watch(e -> { }).close();
        Thread.sleep(500);
        long lists = drainRequests().stream().filter(KubernetesWindowBenchmarkTest::isList).count();
        long gcDuring = gcMillis() - gc0;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        System.out.println("=== Kubernetes scale: " + PODS + " pods + " + SANDBOXES + " Sandbox objects in the CRUD mock, "
                + UPDATES_PER_SECOND + " updates/s for " + SECONDS + " s, real window (Monocle) ===" + Bench.mark(total));
        System.out.printf("fill the mock: %.1f s; backend + window synced (all %d rows): %.1f s%n", fillSeconds, PODS + SANDBOXES, syncSeconds);
        System.out.printf("updates sent: %d in %.1f s (each a GET + PATCH through the client, timed from before the GET)%n", total, sendSeconds);
        System.out.println(summary("update -> backend event (ms)", toEvent));
        System.out.println(summary("update -> row changed on the FX thread (ms)", toRow) + "  [" + pendingRows.size() + " never seen]");
        System.out.println(summary("FX pulse: batch apply + CSS/layout (ms)", pulses));
        System.out.printf("heap used after GC: %.0f MiB; GC time during the run: %d ms%n", heap / 1048576.0, gcDuring);
        System.out.println("list requests to the API server while the tables were open (start-up: one per kind = 5; then 10 refreshes and "
                + total + " updates): " + lists);
    }

    List<String> drainRequests() throws InterruptedException {
        List<String> out = new java.util.ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(5, TimeUnit.MILLISECONDS)) != null) out.add(r.getMethod() + " " + r.getPath());
        return out;
    }

    static boolean isList(String request) {
        if (!request.startsWith("GET ") || request.contains("watch=true")) return false;
        String path = request.substring(4);
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return p.contains("/namespaces/") && p.split("/namespaces/")[1].split("/").length == 2;
    }

    static String summary(String what, Histogram h) {
        if (h.getTotalCount() == 0) return what + ": none";
        return String.format("%s: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (n=%d)", what, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(b -> Math.max(0, b.getCollectionTime())).sum();
    }
}
