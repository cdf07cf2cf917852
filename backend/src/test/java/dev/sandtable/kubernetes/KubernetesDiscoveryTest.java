package dev.sandtable.kubernetes;

import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.Operation;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static dev.sandtable.kubernetes.AgentSandboxMock.NS;
import static org.assertj.core.api.Assertions.assertThat;

/** API discovery: v1beta1, v1alpha1, a version Sandtable does not know, and a kind it may not list. */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesBackend backend;

    @AfterEach
    void close() throws Exception {
        MockServerTeardown.serverFirst(server, backend);
    }

    BackendEvent.Synced sync(Events events) {
        backend = new KubernetesBackend(server.createClient(), new KubeTarget("mock", NS, null), KubernetesBackendTest.FAST, Clock.systemUTC());
        backend.watch(events);
        return events.await(BackendEvent.Synced.class, s -> true);
    }

    @Test
    void readsV1alpha1WhenTheClusterServesOnlyThat() {
        AgentSandboxMock.installCrds(client, AgentKind.V1ALPHA1);
        var s = AgentSandboxMock.resource(AgentKind.SANDBOX, AgentKind.V1ALPHA1, "old-style", Map.of("replicas", 0),
                Map.of("conditions", java.util.List.of(AgentSandboxMock.condition("Ready", false, "SandboxSuspended"))));
        AgentSandboxMock.create(client, s);
        var claim = AgentSandboxMock.resource(AgentKind.CLAIM, AgentKind.V1ALPHA1, "c1",
                Map.of("sandboxTemplateRef", Map.of("name", "python"), "warmpool", "py-pool"), null);
        AgentSandboxMock.create(client, claim);
        Events events = new Events();
        BackendEvent.Synced synced = sync(events);
        assertThat(backend.discovered().versions()).containsEntry(AgentKind.SANDBOX, AgentKind.V1ALPHA1).containsEntry(AgentKind.CLAIM, AgentKind.V1ALPHA1);
        Sandbox old = synced.inventory().sandboxes().getFirst();
        assertThat(old.state()).as("v1alpha1 replicas 0").isEqualTo(SandboxState.SUSPENDED);
        assertThat(AgentClaim.of(client.genericKubernetesResources(AgentKind.CLAIM.context(AgentKind.V1ALPHA1)).inNamespace(NS).withName("c1").get()).pool())
                .isEqualTo("py-pool");

        backend.resume("old-style").join();
        Object replicas = client.genericKubernetesResources(AgentKind.SANDBOX.context(AgentKind.V1ALPHA1)).inNamespace(NS).withName("old-style").get()
                .getAdditionalProperties().get("spec");
        assertThat(((Map<?, ?>) replicas).get("replicas")).isEqualTo(1);
    }

    @Test
    void aVersionSandtableDoesNotKnowIsNamedAndTheRestStillWorks() {
        server.expect().get().withPath("/apis/agents.x-k8s.io").andReturn(200, new APIGroupBuilder().withName("agents.x-k8s.io")
                .addNewVersion().withGroupVersion("agents.x-k8s.io/v2").withVersion("v2").endVersion().build()).always();
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("p", "Running", Map.of())).create();
        Events events = new Events();
        BackendEvent.Synced synced = sync(events);
        assertThat(synced.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("p");
        BackendEvent.Connection c = events.await(BackendEvent.Connection.class, x -> x.state() == ConnectionState.CONNECTED && x.message() != null);
        assertThat(c.message()).contains("agents.x-k8s.io is served in version v2, which Sandtable does not know", "Sandbox not shown");
        assertThat(backend.capabilities().whyNot(Operation.PAUSE)).isPresent();
    }

    @Test
    void aKindItMayNotListIsReportedAndTheOthersShow() {
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        AgentSandboxMock.create(client, AgentSandboxMock.template("python", "python:3.12"));
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("p", "Running", Map.of())).create();
        server.expect().get().withPath("/apis/extensions.agents.x-k8s.io/v1beta1/namespaces/" + NS + "/sandboxclaims?resourceVersion=0")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("sandboxclaims.extensions.agents.x-k8s.io is forbidden: User \"dev\" cannot list resource").build()).always();
        Events events = new Events();
        BackendEvent.Synced synced = sync(events);
        assertThat(synced.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("p");
        assertThat(synced.inventory().templates()).hasSize(1);
        BackendEvent.Connection c = events.await(BackendEvent.Connection.class, x -> x.state() == ConnectionState.CONNECTED && x.message() != null);
        assertThat(c.message()).contains("no permission for listing sandboxclaims.extensions.agents.x-k8s.io in namespace '" + NS + "'",
                "403", "sandboxclaims.extensions.agents.x-k8s.io not shown");
        assertThat(backend.capabilities().whyNot(Operation.POOL_CLAIM)).hasValueSatisfying(w -> assertThat(w).contains("does not let Sandtable list"));
        assertThat(backend.capabilities().supports(Operation.CREATE)).as("Sandboxes and templates are listed").isTrue();
    }
}
