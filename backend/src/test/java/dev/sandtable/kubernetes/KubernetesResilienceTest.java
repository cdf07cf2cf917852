package dev.sandtable.kubernetes;

import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sandtable.kubernetes.AgentSandboxMock.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** Lost clusters, watch failures and bad credentials: clear messages per context, and tables that recover. */
@EnableKubernetesMockClient(crud = true)
class KubernetesResilienceTest {
    KubernetesMockServer server;
    KubernetesClient client;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        MockServerTeardown.serverFirst(server, toClose.reversed().toArray(AutoCloseable[]::new));
    }

    KubernetesBackend backend(KubernetesClient c) {
        KubernetesBackend b = new KubernetesBackend(c, new KubeTarget("mock", NS, null), KubernetesBackendTest.FAST, Clock.systemUTC());
        toClose.add(b);
        return b;
    }

    static KubernetesClient clientAt(KubernetesClient like, String url) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(like.getConfiguration()).withMasterUrl(url)
                .withRequestRetryBackoffLimit(0).withWatchReconnectInterval(100).build()).build();
    }

    List<String> requests() throws InterruptedException {
        List<String> out = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) out.add(r.getMethod() + " " + r.getPath());
        return out;
    }

    @Test
    void listsComeFromTheInformersCachesNotFromTheApiServer() throws Exception {
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("p1", "Running", Map.of())).create();
        requests();
        KubernetesBackend b = backend(server.createClient());
        Events first = new Events();
        b.watch(first);
        first.await(BackendEvent.Synced.class, s -> true);
        List<String> atStart = requests();
        for (int i = 0; i < 25; i++) {
            Events e = new Events();
            b.watch(e).close();
            b.watch(e);
            e.await(BackendEvent.Synced.class, s -> s.inventory().sandboxes().size() == 1);
        }
        List<String> after = requests();
        assertThat(after.stream().filter(KubernetesResilienceTest::isList)).as("25 more views of the tables list nothing").isEmpty();
        assertThat(atStart.stream().filter(KubernetesResilienceTest::isList)).as("one list per kind at start: pods and 4 agent-sandbox kinds").hasSize(5);
    }

    /** A GET of a collection that is not a watch. */
    static boolean isList(String request) {
        if (!request.startsWith("GET ")) return false;
        String path = request.substring(4);
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return !path.contains("watch=true") && p.contains("/namespaces/") && p.split("/namespaces/")[1].split("/").length == 2;
    }

    @Test
    void aLostClusterShowsReconnectingAndTheTablesAreConsistentAfterRecovery() throws Exception {
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("stays", "Running", Map.of())).create();
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("goes", "Running", Map.of())).create();
        CuttableProxy proxy = new CuttableProxy(server.getPort());
        toClose.add(proxy);
        KubernetesBackend b = backend(clientAt(client, "https://localhost:" + proxy.port()));
        Events events = new Events();
        b.watch(events);
        events.await(BackendEvent.Synced.class, s -> s.inventory().sandboxes().size() == 2);
        AgentSandboxMock.awaitPodWatchIdle(client, NS, "stays", events);

        proxy.cut();
        BackendEvent.Connection lost = events.await(BackendEvent.Connection.class, c -> c.state() == ConnectionState.RECONNECTING);
        assertThat(lost.message()).isNotBlank();
        BackendEvent.Connection gone = events.await(BackendEvent.Connection.class, c -> c.state() == ConnectionState.DISCONNECTED);
        assertThat(gone.message()).contains("cannot reach the cluster of context 'mock'");
        // while the cluster is away, things change there
        client.pods().inNamespace(NS).withName("goes").delete();
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("new", "Running", Map.of())).create();
        Thread.sleep(500);
        proxy.restore();

        BackendEvent.Synced again = events.await(BackendEvent.Synced.class, s -> s.inventory().sandboxes().stream().map(Sandbox::name).sorted().toList()
                .equals(List.of("new", "stays")), java.time.Duration.ofSeconds(30));
        assertThat(again).isNotNull();
        assertThat(b.watch(new Events()) != null).isTrue();
        // and it follows changes again
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("after", "Running", Map.of())).create();
        events.await(BackendEvent.Upserted.class, u -> u.resource().name().equals("after"));
    }

    @Test
    void aWatchAnswered410GoneRelistsAndTheTableMatchesTheCluster() throws Exception {
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("p1", "Running", Map.of())).create();
        String rv = client.pods().inNamespace(NS).list().getMetadata().getResourceVersion();
        // the informer's first watch (from the list's resourceVersion) is told its version is too old
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods?allowWatchBookmarks=true&resourceVersion=" + rv
                        + "&timeoutSeconds=600&watch=true")
                .andUpgradeToWebSocket().open().waitFor(300).andEmit(new io.fabric8.kubernetes.api.model.WatchEvent(
                        new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(410).withReason("Expired")
                                .withMessage("too old resource version").build(), "ERROR")).done().once();
        requests();
        KubernetesBackend b = backend(server.createClient());
        Events events = new Events();
        b.watch(events);
        events.await(BackendEvent.Synced.class, s -> s.inventory().sandboxes().size() == 1);
        // written while the watch is the expired one: only a relist can bring it
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("p2", "Running", Map.of())).create();
        // fabric8 relists after 410 by itself (an Upserted); with this test's short grace the backend may rebuild first (a Synced)
        events.await(BackendEvent.class, e -> e instanceof BackendEvent.Upserted u && u.resource().name().equals("p2")
                || e instanceof BackendEvent.Synced s && s.inventory().sandboxes().stream().anyMatch(x -> x.name().equals("p2")));
        long podLists = requests().stream().filter(r -> isList(r) && r.contains("/pods")).count();
        assertThat(podLists).as("the initial list and the relist after 410 Gone").isGreaterThanOrEqualTo(2);
        client.pods().inNamespace(NS).withName("p1").delete();
        events.await(BackendEvent.Removed.class, r -> r.key().equals("pod/p1"));
    }

    @Test
    void anUnreachableClusterSaysSoAndRetries() {
        KubernetesBackend b = backend(clientAt(client, "https://127.0.0.1:1"));
        Events events = new Events();
        b.watch(events);
        BackendEvent.Connection c = events.await(BackendEvent.Connection.class, x -> x.state() == ConnectionState.DISCONNECTED);
        assertThat(c.message()).contains("cannot reach the cluster of context 'mock'", "https://127.0.0.1:1");
        assertThat(b.pause("anything")).as("operations fail at once, with the reason").failsWithin(java.time.Duration.ofSeconds(10))
                .withThrowableThat().withMessageContaining("not connected to context 'mock'").withMessageContaining("cannot reach");
        int before = events.all.size();
        b.reconnect();
        events.await(BackendEvent.Connection.class, x -> x.state() == ConnectionState.DISCONNECTED && events.all.size() > before);
    }

    @Test
    void anExpiredTokenSaysSo() {
        server.expect().get().withPath("/apis/agents.x-k8s.io/v1beta1").andReturn(401,
                new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(401).withMessage("Unauthorized").build()).always();
        KubernetesBackend b = backend(server.createClient());
        Events events = new Events();
        b.watch(events);
        BackendEvent.Connection c = events.await(BackendEvent.Connection.class, x -> x.state() == ConnectionState.DISCONNECTED);
        assertThat(c.message()).contains("context 'mock'", "401", "token may have expired");
    }
}
