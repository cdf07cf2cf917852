package dev.sandtable.kubernetes;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Pool;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.Operation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static dev.sandtable.kubernetes.AgentSandboxMock.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** The live view on fabric8's CRUD mock API server: tables fill from informers and follow adds, updates and deletes. */
@EnableKubernetesMockClient(crud = true)
class KubernetesBackendTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesBackend backend;

    static final KubernetesBackend.Options FAST = new KubernetesBackend.Options(Duration.ofMillis(100), Duration.ofMillis(300),
            Duration.ofSeconds(20), Duration.ofSeconds(1));

    KubernetesBackend backend(String selector) {
        backend = new KubernetesBackend(server.createClient(), new KubeTarget("mock", NS, selector), FAST, Clock.systemUTC());
        return backend;
    }

    @AfterEach
    void close() throws Exception {
        MockServerTeardown.serverFirst(server, backend);
    }

    @Test
    void podsFillTheTableAndFollowAddsUpdatesAndDeletes() {
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("web-1", "Running", Map.of("sandtable", "yes"))).create();
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("web-2", "Pending", Map.of("sandtable", "yes"))).create();
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("db", "Running", Map.of("role", "db"))).create();
        Events events = new Events();
        backend("sandtable=yes").watch(events);

        BackendEvent.Synced synced = events.await(BackendEvent.Synced.class, s -> true);
        assertThat(synced.inventory().sandboxes()).extracting(Sandbox::name).containsExactlyInAnyOrder("web-1", "web-2");
        Sandbox web1 = synced.inventory().sandboxes().stream().filter(s -> s.name().equals("web-1")).findFirst().orElseThrow();
        assertThat(web1.id()).isEqualTo("pod/web-1");
        assertThat(web1.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(web1.isolation().mechanism()).isEqualTo("pod");
        assertThat(backend.capabilities().supports(Operation.CREATE)).isFalse();
        assertThat(backend.capabilities().whyNot(Operation.CREATE).orElseThrow()).contains("agent-sandbox CRDs");

        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("web-3", "Pending", Map.of("sandtable", "yes"))).create();
        events.await(BackendEvent.Upserted.class, u -> u.resource().name().equals("web-3"));

        client.pods().inNamespace(NS).withName("web-2").editStatus(p -> {
            p.getStatus().setPhase("Failed");
            p.getStatus().setMessage("OOMKilled");
            return p;
        });
        BackendEvent.Upserted failed = events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Sandbox s && s.name().equals("web-2")
                && s.state() == SandboxState.FAILED);
        assertThat(((Sandbox) failed.resource()).stateReason()).isEqualTo("OOMKilled");
        events.await(BackendEvent.Lifecycle.class, l -> l.event().resourceName().equals("web-2") && l.event().to() == SandboxState.FAILED);

        client.pods().inNamespace(NS).withName("web-1").delete();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.SANDBOX && r.key().equals("pod/web-1"));
        // a pod the selector does not pick never shows
        client.pods().inNamespace(NS).withName("db").edit(p -> {
            p.getMetadata().getLabels().put("tier", "x");
            return p;
        });
        assertThat(events.all).noneMatch(e -> e instanceof BackendEvent.Upserted u && u.resource().name().equals("db"));
    }

    @Test
    void agentSandboxResourcesShowAsSandboxesTemplatesAndPoolsWithClaimsLinked() {
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        AgentSandboxMock.create(client, AgentSandboxMock.template("python", "python:3.12"));
        AgentSandboxMock.create(client, AgentSandboxMock.warmPool("py-pool", "python", 3, 2));
        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("ready-one", true, null, false));
        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("sleeping", false, "SandboxSuspended", true));
        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("starting", false, "DependenciesNotReady", false));
        AgentSandboxMock.create(client, AgentSandboxMock.ownedBy(AgentSandboxMock.sandbox("py-pool-abc12", true, null, false), AgentKind.WARM_POOL, "py-pool"));
        var claimed = AgentSandboxMock.ownedBy(AgentSandboxMock.sandbox("py-pool-xyz98", true, null, false), AgentKind.CLAIM, "my-claim");
        claimed.getMetadata().setLabels(Map.of(AgentSandbox.LAUNCH_TYPE, "warm"));
        AgentSandboxMock.create(client, claimed);
        var claim = AgentSandboxMock.resource(AgentKind.CLAIM, AgentKind.V1BETA1, "my-claim", Map.of("warmPoolRef", Map.of("name", "py-pool")),
                Map.of("sandbox", Map.of("name", "py-pool-xyz98")));
        AgentSandboxMock.create(client, claim);
        // the pod of a Sandbox is shown as that Sandbox, not twice
        Pod own = AgentSandboxMock.pod("ready-one", "Running", Map.of());
        own.getMetadata().setOwnerReferences(java.util.List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                .withApiVersion("agents.x-k8s.io/v1beta1").withKind("Sandbox").withName("ready-one").withUid("u1").build()));
        client.pods().inNamespace(NS).resource(own).create();

        Events events = new Events();
        backend(null).watch(events);
        Inventory inv = events.await(BackendEvent.Synced.class, s -> true).inventory();

        assertThat(backend.discovered().versions()).containsEntry(AgentKind.SANDBOX, AgentKind.V1BETA1).hasSize(4);
        assertThat(inv.sandboxes()).extracting(Sandbox::name)
                .containsExactlyInAnyOrder("ready-one", "sleeping", "starting", "py-pool-abc12", "py-pool-xyz98");
        assertThat(state(inv, "ready-one")).isEqualTo(SandboxState.RUNNING);
        assertThat(state(inv, "sleeping")).isEqualTo(SandboxState.SUSPENDED);
        assertThat(state(inv, "starting")).isEqualTo(SandboxState.PENDING);
        Sandbox member = find(inv, "py-pool-abc12");
        assertThat(member.poolName()).isEqualTo("py-pool");
        assertThat(member.sourceKind()).isEqualTo(SourceKind.POOL);
        Sandbox taken = find(inv, "py-pool-xyz98");
        assertThat(taken.poolName()).as("linked through its claim").isEqualTo("py-pool");
        assertThat(taken.metadata()).containsEntry("claim", "my-claim").containsEntry("launch-type", "warm");

        Pool pool = inv.pools().getFirst();
        assertThat(pool.name()).isEqualTo("py-pool");
        assertThat(pool.templateId()).isEqualTo("python");
        assertThat(pool.minIdle()).as("desired").isEqualTo(3);
        assertThat(pool.idle()).as("ready").isEqualTo(2);
        assertThat(pool.inUse()).isEqualTo(1);
        assertThat(pool.stats().hits()).isEqualTo(1);
        assertThat(inv.templates()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("python");
            assertThat(t.sourceRef()).isEqualTo("python:3.12");
        });
        assertThat(backend.capabilities().supports(Operation.CREATE)).isTrue();
        assertThat(backend.capabilities().supports(Operation.POOL_CLAIM)).isTrue();

        // a condition change moves the row
        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("later", null, null, false));
        events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Sandbox s && s.name().equals("later") && s.state() == SandboxState.PENDING);
        client.genericKubernetesResources(AgentKind.SANDBOX.context(AgentKind.V1BETA1)).inNamespace(NS).withName("later").edit(g -> {
            g.getAdditionalProperties().put("status", Map.of("conditions", java.util.List.of(AgentSandboxMock.condition("Ready", true, null))));
            return g;
        });
        events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Sandbox s && s.name().equals("later") && s.state() == SandboxState.RUNNING);
        client.genericKubernetesResources(AgentKind.WARM_POOL.context(AgentKind.V1BETA1)).inNamespace(NS).withName("py-pool").delete();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.POOL && r.key().equals("py-pool"));
        assertThat(events.all).noneMatch(e -> e instanceof BackendEvent.Connection c && c.state() == ConnectionState.DISCONNECTED);
    }

    @Test
    void anotherNamespaceReplacesTheRowsAndKeepsTheBackendsId() throws Exception {
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("here", "Running", Map.of())).create();
        client.pods().inNamespace("elsewhere").resource(AgentSandboxMock.pod("there", "Running", Map.of())).create();
        Events events = new Events();
        backend(null).watch(events);
        events.await(BackendEvent.Synced.class, s -> true);
        AgentSandboxMock.awaitPodWatchIdle(client, NS, "here", events);
        String id = backend.info().id();
        assertThat(backend.useNamespace("Not A Namespace")).failsWithin(Duration.ofSeconds(5));
        backend.useNamespace("elsewhere").get(60, java.util.concurrent.TimeUnit.SECONDS); // a deadline, not a timing goal
        BackendEvent.Synced other = events.await(BackendEvent.Synced.class, s -> s.inventory().sandboxes().stream().anyMatch(x -> x.name().equals("there")));
        assertThat(other.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("there");
        assertThat(backend.info().id()).isEqualTo(id);
        assertThat(backend.info().displayName()).isEqualTo("mock · elsewhere");
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("here-2", "Running", Map.of())).create();
        client.pods().inNamespace("elsewhere").resource(AgentSandboxMock.pod("there-2", "Running", Map.of())).create();
        events.await(BackendEvent.Upserted.class, u -> u.resource().name().equals("there-2"));
        assertThat(events.sinceSync()).noneMatch(e -> e instanceof BackendEvent.Upserted u && u.resource().name().startsWith("here"));
    }

    static Sandbox find(Inventory inv, String name) {
        return inv.sandboxes().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static SandboxState state(Inventory inv, String name) {
        return find(inv, name).state();
    }
}
