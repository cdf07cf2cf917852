package dev.sandtable.service;

import dev.sandtable.json.Json;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Inventory;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

@Timeout(60)
class LocalServiceTest {
    @TempDir
    Path tmp;
    RuntimePaths paths;
    TemplateCapableBackend backend;
    LocalService service;
    ServiceClient client;
    final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeEach
    void start() {
        paths = RuntimePaths.under(tmp);
        backend = new TemplateCapableBackend();
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> backend);
        client = ServiceClient.connect(() -> ServiceFiles.locate(paths), ServiceClient.Timeouts.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) c.close();
        client.close();
        service.stop();
    }

    @Test
    void everyOperationRoundTrips() {
        assertThat(client.info()).isEqualTo(backend.info());
        assertThat(client.capabilities()).isEqualTo(backend.capabilities());

        Sandbox web = client.create(new CreateSandboxRequest("web", null, null, Map.of("team", "qa"))).join();
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(web.isolation().isolated()).isFalse();
        assertThat(client.pause("web").join().state()).isEqualTo(SandboxState.PAUSED);
        assertThat(client.resume(web.id()).join().state()).isEqualTo(SandboxState.RUNNING);

        Snapshot snap = client.snapshot("web", "base").join();
        assertThat(snap.name()).isEqualTo("base");
        assertThat(snap.sourceSandboxId()).isEqualTo(web.id());
        Sandbox r1 = client.restore("base", "copy-1").join();
        Sandbox r2 = client.restore(snap.id(), "copy-2").join();
        assertThat(List.of(r1.sourceKind(), r2.sourceKind())).containsOnly(SourceKind.SNAPSHOT);
        Sandbox r3 = client.create(CreateSandboxRequest.fromSnapshot("copy-3", "base")).join();
        assertThat(r3.sourceRef()).isEqualTo(snap.id());

        Template tpl = client.createTemplate("base", "base-tpl").join();
        assertThat(tpl.name()).isEqualTo("base-tpl");
        assertThat(tpl.sourceRef()).isEqualTo("base");
        client.deleteTemplate("base-tpl").join();

        Pool pool = client.createPool(new PoolSpec("warm", SyntheticBackend.TEMPLATE, 1, 3)).join();
        assertThat(pool.maxSize()).isEqualTo(3);
        assertThat(client.resizePool("warm", 2, 4).join().maxSize()).isEqualTo(4);
        Claim claim = client.claim("warm").join();
        assertThat(claim.pool()).isEqualTo("warm");
        assertThat(claim.sandbox().poolName()).isEqualTo("warm");
        client.release(claim.id(), ReleaseMode.PUT).join();
        Claim second = client.claim("warm").join();
        client.release(second.id(), ReleaseMode.DEAD).join();
        assertThat(backend.inner.inventory().pools().getFirst().stats().markedDead()).isEqualTo(1);

        client.deleteSnapshot("base").join();
        client.destroy("copy-1").join();
        Inventory inv = client.inventory().join();
        assertThat(inv).isEqualTo(backend.inner.inventory());
        assertThat(inv.sandboxes()).extracting(Sandbox::name).contains("web", "copy-2", "copy-3").doesNotContain("copy-1");
        assertThat(inv.snapshots()).isEmpty();
        client.deletePool("warm").join();
        assertThat(client.inventory().join().pools()).isEmpty();
    }

    @Test
    void errorsKeepTheirCodeAndMessage() {
        client.create(CreateSandboxRequest.fromTemplate("web", null)).join();
        client.createPool(new PoolSpec("warm", null, 0, 2)).join();
        client.claim("warm").join();
        client.claim("warm").join();

        expectSameError(() -> client.pause("nope"), () -> backend.pause("nope"), ErrorCode.NOT_FOUND);
        expectSameError(() -> client.create(CreateSandboxRequest.fromTemplate("web", null)),
                () -> backend.create(CreateSandboxRequest.fromTemplate("web", null)), ErrorCode.ALREADY_EXISTS);
        expectSameError(() -> client.create(CreateSandboxRequest.fromTemplate("Bad_Name", null)),
                () -> backend.create(CreateSandboxRequest.fromTemplate("Bad_Name", null)), ErrorCode.INVALID_ARGUMENT);
        expectSameError(() -> client.resume("web"), () -> backend.resume("web"), ErrorCode.INVALID_STATE);
        expectSameError(() -> client.resizePool("warm", 0, 1), () -> backend.resizePool("warm", 0, 1), ErrorCode.INVALID_STATE);
        expectSameError(() -> client.release("claim-404", ReleaseMode.PUT), () -> backend.release("claim-404", ReleaseMode.PUT), ErrorCode.NOT_FOUND);
        expectSameError(() -> client.deleteTemplate("none"), () -> backend.deleteTemplate("none"), ErrorCode.NOT_FOUND);
        // nothing was lost on the way
        assertThat(client.inventory().join().pools().getFirst().inUse()).isEqualTo(2);
        assertThat(client.inventory().join().sandboxes()).extracting(Sandbox::name).contains("web");
    }

    @Test
    void unsupportedOperationsSayWhichBackendLacksThem() {
        LocalService other = restartWith(new SyntheticBackend());
        try (ServiceClient c = ServiceClient.connect(other.info())) {
            SandtableException e = failure(c.createTemplate("x", "y"));
            assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
            assertThat(e.getMessage()).contains("does not support");
        }
    }

    @Test
    void everyRequestNeedsTheKeyButHealthDoesNot() throws Exception {
        ServiceInfo info = service.info();
        assertThat(info.apiKey()).matches("e2b_[0-9a-f]{40}");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/inventory")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            Api.ErrorBody body = Json.mapper().readValue(none.body(), Api.ErrorBody.class);
            assertThat(body).isEqualTo(new Api.ErrorBody(401, body.message(), "UNAUTHORIZED"));

            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/sandboxes"))
                    .header(ApiKeys.HEADER, ApiKeys.generate()).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(backend.inner.inventory().sandboxes()).isEmpty();

            HttpResponse<String> events = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/events")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(events.statusCode()).isEqualTo(401);

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(info.uri(Api.HEALTH)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"ok\"");
        }
    }

    @Test
    void badRequestsGetJsonErrors() throws Exception {
        ServiceInfo info = service.info();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/nothing"))
                    .header(ApiKeys.HEADER, info.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("\"error\":\"NOT_FOUND\"");
            HttpResponse<String> badJson = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/pools"))
                    .header(ApiKeys.HEADER, info.apiKey()).POST(HttpRequest.BodyPublishers.ofString("{not json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(badJson.statusCode()).isEqualTo(400);
            assertThat(badJson.body()).contains("\"code\":400").contains("INVALID_ARGUMENT");
            HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/sandboxes/web/pause"))
                    .header(ApiKeys.HEADER, info.apiKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void serviceJsonIsPrivateAtomicAndRemovedOnStop() throws Exception {
        Path json = ServiceFiles.serviceJson(paths);
        assertThat(ServiceFiles.read(paths)).contains(service.info());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(json))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.runtime()))).isEqualTo("rwx------");
        assertThat(service.info().pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(service.info().url()).startsWith("http://127.0.0.1:");
        try (var files = Files.list(paths.runtime())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        service.stop();
        assertThat(json).doesNotExist();
    }

    @Test
    void oneServicePerUser() {
        SandtableException e = (SandtableException) catchThrowable(() ->
                LocalService.start(paths, LocalService.Options.defaults(), SyntheticBackend::new));
        assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(e.getMessage()).contains("already running").contains(service.info().url());
        // the first one is untouched
        assertThat(ServiceFiles.read(paths)).contains(service.info());
        assertThat(client.inventory().join()).isNotNull();
    }

    @Test
    void nonLoopbackBindWithoutAnExplicitKeyIsRefused() {
        RuntimePaths other = RuntimePaths.under(tmp.resolve("other"));
        assertThatThrownBy(() -> LocalService.start(other, LocalService.Options.defaults().withHost("0.0.0.0"), SyntheticBackend::new))
                .isInstanceOfSatisfying(SandtableException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("loopback");
                });
        assertThat(ServiceFiles.serviceJson(other)).doesNotExist();
    }

    @Test
    void eventStreamStartsWithSyncedThenDeliversChangesInOrder() {
        client.create(CreateSandboxRequest.fromTemplate("before", null)).join();
        List<BackendEvent> events = new CopyOnWriteArrayList<>();
        Subscription sub = client.watch(events::add);
        cleanup.add(sub);
        Eventually.until("synced", () -> !events.isEmpty());
        assertThat(events.getFirst()).isInstanceOfSatisfying(BackendEvent.Synced.class,
                s -> assertThat(s.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("before"));

        client.create(CreateSandboxRequest.fromTemplate("a", null)).join();
        client.pause("a").join();
        client.create(CreateSandboxRequest.fromTemplate("b", null)).join();
        client.destroy("a").join();
        Eventually.until("all changes", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Lifecycle l
                && l.event().action().equals("destroyed")));

        List<String> seen = events.stream().skip(1).map(LocalServiceTest::describe).filter(s -> !s.isEmpty()).toList();
        assertThat(seen).containsSubsequence("upsert a RUNNING", "lifecycle a created", "upsert a PAUSED", "lifecycle a paused",
                "upsert b RUNNING", "lifecycle b created", "removed SANDBOX", "lifecycle a destroyed");
        assertThat(events).noneMatch(e -> e instanceof BackendEvent.Connection);
    }

    @Test
    void watchReconnectsAndResyncsAfterTheServiceRestarts() {
        client.create(CreateSandboxRequest.fromTemplate("old", null)).join();
        List<BackendEvent> events = new CopyOnWriteArrayList<>();
        cleanup.add(client.watch(events::add));
        Eventually.until("first synced", () -> events.size() == 1);
        String oldUrl = service.info().url();

        service.stop();
        Eventually.until("reconnecting", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Connection c
                && c.state() == ConnectionState.RECONNECTING));
        BackendEvent.Connection down = (BackendEvent.Connection) events.get(1);
        assertThat(down.state()).isEqualTo(ConnectionState.RECONNECTING);
        assertThat(down.message()).isNotBlank();

        SyntheticBackend fresh = new SyntheticBackend();
        fresh.create(CreateSandboxRequest.fromTemplate("new", null)).join();
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> fresh);
        assertThat(service.info().url()).isNotEqualTo(oldUrl);
        Eventually.until("resynced", () -> events.getLast() instanceof BackendEvent.Synced);

        List<BackendEvent> after = events.subList(2, events.size());
        assertThat(after.getFirst()).isEqualTo(new BackendEvent.Connection(ConnectionState.CONNECTED, null));
        assertThat(after.getLast()).isInstanceOfSatisfying(BackendEvent.Synced.class,
                s -> assertThat(s.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("new"));
        // operations find the restarted service (new port, new key) too
        assertThat(client.pause("new").join().state()).isEqualTo(SandboxState.PAUSED);
    }

    @Test
    void aDeadServiceFailsQuicklyWithUnavailable() throws Exception {
        ServiceInfo info = service.info();
        service.stop();
        try (ServiceClient dead = ServiceClient.connect(() -> info, ServiceClient.Timeouts.defaults())) {
            throw new AssertionError("connected to a stopped service: " + dead.endpoint());
        } catch (SandtableException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("not running").contains("./sandtable serve");
        }
        // a client made before the service died: its calls fail (promptly: get() bounds the wait) with UNAVAILABLE
        SandtableException e = failure(client.pause("web"), 10);
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("not running");
    }

    @Test
    void aSlowConsumerIsDroppedWithoutBlockingTheBackend() throws Exception {
        SyntheticBackend synthetic = new SyntheticBackend();
        LocalService small = restartWith(synthetic, LocalService.Options.defaults().withClientQueueCapacity(16));
        synthetic.populate(50);
        ServiceInfo info = small.info();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/events"))
                    .header(ApiKeys.HEADER, info.apiKey()).build(), HttpResponse.BodyHandlers.ofInputStream());
            Eventually.until("subscribed", () -> small.eventClients() == 1);
            // the consumer reads nothing while the backend produces far more than its queue holds
            for (int i = 0; i < 20; i++) synthetic.churn(10_000);
            Eventually.until("the slow client is dropped", () -> small.eventClients() == 0);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                List<String> lines = r.lines().toList(); // ends: the service closed the stream
                assertThat(lines.getFirst()).contains("\"type\":\"synced\"");
            }
        }
    }

    @Test
    void idleStreamsGetKeepaliveLines() throws Exception {
        LocalService quick = restartWith(new SyntheticBackend(), LocalService.Options.defaults().withKeepAlive(Duration.ofMillis(50)));
        ServiceInfo info = quick.info();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(info.uri(Api.PREFIX + "/events"))
                    .header(ApiKeys.HEADER, info.apiKey()).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.headers().firstValue(Api.KEEPALIVE_HEADER)).contains("50");
            BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).contains("\"type\":\"synced\"");
            assertThat(r.readLine()).isEqualTo(Api.KEEPALIVE_LINE);
            assertThat(r.readLine()).isEqualTo(Api.KEEPALIVE_LINE);
            stream.body().close();
        }
    }

    @Test
    void aStreamThatFallsSilentIsTreatedAsDropped() throws Exception {
        // a "service" that sends its first event and then hangs, promising keepalives every 50 ms
        com.sun.net.httpserver.HttpServer hung = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        hung.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().endsWith("/info")) {
                byte[] body = Json.mapper().writeValueAsBytes(new Api.Info(backend.info(), backend.capabilities(), 1, "x", "v", null));
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
                return;
            }
            ex.getResponseHeaders().set(Api.KEEPALIVE_HEADER, "50");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write((Json.mapper().writeValueAsString(new BackendEvent.Synced(Inventory.EMPTY)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // test over
            }
            ex.close();
        });
        hung.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        hung.start();
        String url = "http://127.0.0.1:" + hung.getAddress().getPort();
        try (ServiceClient c = ServiceClient.connect(new ServiceInfo(1, url, "e2b_x", "v", null))) {
            List<BackendEvent> events = new CopyOnWriteArrayList<>();
            cleanup.add(c.watch(events::add));
            Eventually.until("the silent stream is dropped", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Connection));
            assertThat(events.getFirst()).isInstanceOf(BackendEvent.Synced.class);
            assertThat(events.get(1)).isInstanceOfSatisfying(BackendEvent.Connection.class,
                    e -> assertThat(e.state()).isEqualTo(ConnectionState.RECONNECTING));
        } finally {
            release.countDown();
            hung.stop(0);
        }
    }

    @Test
    void shutdownEndpointStopsTheService() throws Exception {
        client.shutdown().join();
        assertThat(service.awaitStop(Duration.ofSeconds(10))).isTrue();
        assertThat(ServiceFiles.serviceJson(paths)).doesNotExist();
    }

    /** Stops the default service and starts another one on the same paths. */
    private LocalService restartWith(dev.sandtable.spi.Backend b) {
        return restartWith(b, LocalService.Options.defaults());
    }

    private LocalService restartWith(dev.sandtable.spi.Backend b, LocalService.Options options) {
        service.stop();
        service = LocalService.start(paths, options, () -> b);
        return service;
    }

    private static String describe(BackendEvent e) {
        return switch (e) {
            case BackendEvent.Upserted u when u.resource() instanceof Sandbox s -> "upsert " + s.name() + " " + s.state();
            case BackendEvent.Lifecycle l -> "lifecycle " + l.event().resourceName() + " " + l.event().action();
            case BackendEvent.Removed r -> "removed " + r.kind();
            default -> "";
        };
    }

    private static void expectSameError(Supplier<CompletableFuture<?>> viaService, Supplier<CompletableFuture<?>> direct, ErrorCode code) {
        SandtableException remote = failure(viaService.get());
        SandtableException local = failure(direct.get());
        assertThat(remote.code()).isEqualTo(code).isEqualTo(local.code());
        assertThat(remote.getMessage()).isEqualTo(local.getMessage());
    }

    private static SandtableException failure(CompletableFuture<?> f) {
        return failure(f, 30);
    }

    private static SandtableException failure(CompletableFuture<?> f, int seconds) {
        Throwable t = catchThrowable(() -> f.get(seconds, TimeUnit.SECONDS));
        assertThat(t).as("the call should fail").isNotNull();
        return SandtableException.of(t);
    }
}
