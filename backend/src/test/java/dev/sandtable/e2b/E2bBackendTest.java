package dev.sandtable.e2b;

import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class E2bBackendTest {
    private FakeE2bPlatform platform;
    private E2bBackend backend;
    private final List<BackendEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        platform = new FakeE2bPlatform();
        backend = new E2bBackend(config(FakeE2bPlatform.KEY));
    }

    private E2bConfig config(String key) {
        return new E2bConfig(platform.uri(), key, "local.test", E2bConfig.Routing.SANDBOX_URL, platform.uri(),
                Duration.ofMillis(50), null);
    }

    @AfterEach
    void tearDown() {
        backend.close();
        platform.close();
    }

    static void until(String what, java.util.function.BooleanSupplier c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private <T extends BackendEvent> T awaitEvent(Class<T> type, Predicate<T> p) {
        until("a matching " + type.getSimpleName(), () -> events.stream().anyMatch(e -> type.isInstance(e) && p.test(type.cast(e))));
        return events.stream().filter(type::isInstance).map(type::cast).filter(p).findFirst().orElseThrow();
    }

    @Test
    void configFromEnvironmentFollowsTheSdk() {
        E2bConfig c = E2bConfig.fromEnvironment(Map.of("E2B_API_KEY", "k", "E2B_DOMAIN", "cube.app"));
        assertThat(c.apiUrl()).isEqualTo(URI.create("https://api.cube.app"));
        assertThat(c.routing()).isEqualTo(E2bConfig.Routing.HOST);
        assertThat(c.envdUrl("abc", null)).isEqualTo(URI.create("https://49983-abc.cube.app"));
        assertThat(c.envdUrl("abc", "other.dev")).isEqualTo(URI.create("https://49983-abc.other.dev"));
        E2bConfig local = E2bConfig.fromEnvironment(Map.of("E2B_API_KEY", "k", "E2B_API_URL", "http://127.0.0.1:3000",
                "E2B_SANDBOX_URL", "http://127.0.0.1:3000"));
        assertThat(local.routing()).isEqualTo(E2bConfig.Routing.SANDBOX_URL);
        assertThat(local.envdUrl("abc", "x")).isEqualTo(URI.create("http://127.0.0.1:3000"));
        E2bConfig path = local.withRouting(E2bConfig.Routing.PATH, URI.create("http://10.0.0.5/"));
        assertThat(path.envdUrl("abc", null)).isEqualTo(URI.create("http://10.0.0.5/sandbox/abc/49983"));
        assertThatThrownBy(() -> E2bConfig.fromEnvironment(Map.of())).isInstanceOf(SandtableException.class).hasMessageContaining("E2B_API_KEY");
        E2bConfig cube = E2bConfig.fromEnvironment(Map.of("E2B_API_KEY", "k", "E2B_API_URL", "http://10.0.0.5:3000",
                "SANDTABLE_E2B_PROXY_URL", "http://10.0.0.5", "SANDTABLE_E2B_POLL_MS", "500", "SANDTABLE_E2B_USER", "root"));
        assertThat(cube.envdUrl("abc", "cube.app")).isEqualTo(URI.create("http://10.0.0.5/sandbox/abc/49983"));
        assertThat(cube.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(cube.user()).isEqualTo("root");
        assertThatThrownBy(() -> E2bConfig.fromEnvironment(Map.of("E2B_API_KEY", "k", "SANDTABLE_E2B_POLL_MS", "soon")))
                .hasMessageContaining("SANDTABLE_E2B_POLL_MS");
    }

    @Test
    void capabilitiesSayWhatE2bLacks() {
        var caps = backend.capabilities();
        assertThat(caps.supports(Operation.CREATE)).isTrue();
        assertThat(caps.supports(Operation.PAUSE)).isTrue();
        assertThat(caps.supports(Operation.TERMINAL)).isTrue();
        assertThat(caps.supports(Operation.WATCH_DIR)).isTrue();
        assertThat(caps.whyNot(Operation.POOL_CREATE)).hasValueSatisfying(r -> assertThat(r).contains("no warm pools"));
        assertThat(caps.supports(Operation.SNAPSHOT)).isFalse();
        assertThatThrownBy(() -> backend.claim("p").join()).cause().isInstanceOfSatisfying(SandtableException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED));
    }

    @Test
    void liveViewSyncsEveryPageThenDiffsSuccessiveLists() {
        String a = platform.add("running");
        String b = platform.add("paused");
        String c = platform.add("running");
        try (Subscription s = backend.watch(events::add)) {
            BackendEvent.Synced synced = awaitEvent(BackendEvent.Synced.class, e -> true);
            assertThat(synced.inventory().sandboxes()).extracting(Sandbox::id).containsExactlyInAnyOrder(a, b, c);
            assertThat(synced.inventory().sandboxes()).filteredOn(x -> x.id().equals(b)).first()
                    .satisfies(x -> assertThat(x.state()).isEqualTo(SandboxState.PAUSED));
            assertThat(synced.inventory().templates()).extracting(t -> t.name()).containsExactly("base");
            awaitEvent(BackendEvent.Connection.class, e -> e.state() == ConnectionState.CONNECTED);

            Sandbox created = backend.create(new CreateSandboxRequest("web-1", "base", null, Map.of("team", "a"))).join();
            assertThat(created.name()).isEqualTo("web-1");
            BackendEvent.Upserted up = awaitEvent(BackendEvent.Upserted.class, e -> e.resource().key().equals(created.id()));
            assertThat(((Sandbox) up.resource()).metadata()).containsEntry("team", "a");
            awaitEvent(BackendEvent.Lifecycle.class, e -> e.event().resourceKey().equals(created.id()) && e.event().action().equals("appeared"));

            backend.pause("web-1").join();
            awaitEvent(BackendEvent.Upserted.class, e -> e.resource() instanceof Sandbox x && x.id().equals(created.id())
                    && x.state() == SandboxState.PAUSED);
            assertThatThrownBy(() -> backend.pause(created.id()).join()).cause().isInstanceOfSatisfying(SandtableException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));

            backend.resume(created.id()).join();
            awaitEvent(BackendEvent.Lifecycle.class, e -> e.event().resourceKey().equals(created.id()) && e.event().to() == SandboxState.RUNNING
                    && e.event().from() == SandboxState.PAUSED);

            backend.setTimeout(created.id(), Duration.ofMinutes(30)).join();
            assertThat(platform.timeouts).containsExactly(created.id() + "=1800");

            backend.destroy(a).join();
            awaitEvent(BackendEvent.Removed.class, e -> e.kind() == ResourceKind.SANDBOX && e.key().equals(a));
            assertThatThrownBy(() -> backend.destroy(a).join()).cause().isInstanceOfSatisfying(SandtableException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void outageIsReportedAndRecoveryResyncs() {
        platform.add("running");
        try (Subscription s = backend.watch(events::add)) {
            awaitEvent(BackendEvent.Connection.class, e -> e.state() == ConnectionState.CONNECTED);
            platform.listFails = true;
            BackendEvent.Connection down = awaitEvent(BackendEvent.Connection.class, e -> e.state() == ConnectionState.RECONNECTING);
            assertThat(down.message()).contains("HTTP 503").contains("maintenance");
            String later = platform.add("running");
            platform.listFails = false;
            awaitEvent(BackendEvent.Synced.class, e -> e.inventory().sandboxes().stream().anyMatch(x -> x.id().equals(later)));
            assertThat(events.stream().filter(BackendEvent.Synced.class::isInstance).count()).isEqualTo(2);
        }
    }

    @Test
    void wrongKeyIsReportedAsSuch() {
        try (E2bBackend wrong = new E2bBackend(config("e2b_wrong")); Subscription s = wrong.watch(events::add)) {
            BackendEvent.Connection c = awaitEvent(BackendEvent.Connection.class, e -> e.state() == ConnectionState.DISCONNECTED);
            assertThat(c.message()).contains("refused the API key").contains("E2B_API_KEY");
            assertThatThrownBy(() -> wrong.create(CreateSandboxRequest.fromTemplate(null, "base")).join()).cause()
                    .isInstanceOfSatisfying(SandtableException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        }
    }

    @Test
    void unreachableApiIsReportedWithItsUrl() throws IOException {
        int port;
        try (ServerSocket sock = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = sock.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + port);
        try (E2bBackend b = new E2bBackend(new E2bConfig(dead, "k", null, null, null, Duration.ofMillis(50), null));
             Subscription s = b.watch(events::add)) {
            BackendEvent.Connection c = awaitEvent(BackendEvent.Connection.class, e -> e.state() == ConnectionState.DISCONNECTED);
            assertThat(c.message()).contains("cannot reach the E2B API at " + dead);
        }
    }
}
