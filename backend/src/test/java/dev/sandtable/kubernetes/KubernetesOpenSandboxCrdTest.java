package dev.sandtable.kubernetes;

import dev.sandtable.model.Pool;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static dev.sandtable.kubernetes.AgentSandboxMock.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OpenSandbox's CRDs (sandbox.opensandbox.io/v1alpha1) on the CRUD mock: shown when discovery finds them; pools resized and deleted, snapshots and BatchSandboxes deleted. */
@EnableKubernetesMockClient(crud = true)
class KubernetesOpenSandboxCrdTest {
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

    private void edit(AgentKind k, String name, java.util.function.Consumer<Map<String, Object>> status) {
        client.genericKubernetesResources(k.context(AgentKind.V1ALPHA1)).inNamespace(NS).withName(name).edit(g -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> st = (Map<String, Object>) g.getAdditionalProperties().get("status");
            status.accept(st);
            return g;
        });
    }

    @Test
    void batchSandboxesPoolsAndSnapshotsShowAndFollowUpdatesAndDeletes() {
        AgentSandboxMock.installOpenSandboxCrds(client, AgentKind.V1ALPHA1);
        AgentSandboxMock.create(client, AgentSandboxMock.batchSandbox("batch", 2, "Pending", 0, "py-pool"));
        AgentSandboxMock.create(client, AgentSandboxMock.openSandboxPool("py-pool", 1, 3, 5, 4, 2, 1));
        AgentSandboxMock.create(client, AgentSandboxMock.sandboxSnapshot("snap", "batch", "Committing"));
        Events events = new Events();
        BackendEvent.Synced synced = sync(events);

        assertThat(backend.discovered().versions()).containsOnlyKeys(AgentKind.BATCH_SANDBOX, AgentKind.OPENSANDBOX_POOL, AgentKind.SANDBOX_SNAPSHOT);
        Sandbox b = synced.inventory().sandboxes().getFirst();
        assertThat(b.id()).isEqualTo(OpenSandboxCrds.BATCH_PREFIX + "batch");
        assertThat(b.name()).isEqualTo("batch");
        assertThat(b.state()).isEqualTo(SandboxState.STARTING);
        assertThat(b.rawState()).isEqualTo("Pending 0/2 ready");
        assertThat(b.sourceKind()).isEqualTo(SourceKind.POOL);
        assertThat(b.poolName()).isEqualTo("py-pool");
        Pool p = synced.inventory().pools().getFirst();
        assertThat(p.name()).isEqualTo("py-pool");
        assertThat(p.minIdle()).as("bufferMin").isEqualTo(1);
        assertThat(p.maxSize()).as("poolMax").isEqualTo(5);
        assertThat(p.idle()).as("available").isEqualTo(1);
        assertThat(p.inUse()).as("allocated").isEqualTo(2);
        assertThat(p.starting()).as("total - allocated - available").isEqualTo(1);
        Snapshot s = synced.inventory().snapshots().getFirst();
        assertThat(s.name()).isEqualTo("snap");
        assertThat(s.state()).isEqualTo(SnapshotState.CREATING);
        assertThat(s.sourceSandboxId()).isEqualTo(b.id());

        edit(AgentKind.BATCH_SANDBOX, "batch", st -> {
            st.put("phase", "Succeed");
            st.put("ready", 2);
        });
        Sandbox running = (Sandbox) events.await(BackendEvent.Upserted.class,
                u -> u.resource() instanceof Sandbox x && x.state() == SandboxState.RUNNING).resource();
        assertThat(running.rawState()).isEqualTo("Succeed 2/2 ready");
        edit(AgentKind.SANDBOX_SNAPSHOT, "snap", st -> {
            st.put("phase", "Succeed");
            st.put("containers", java.util.List.of(Map.of("containerName", "main", "imageUri", "registry.local/snap:main")));
        });
        Snapshot ready = (Snapshot) events.await(BackendEvent.Upserted.class,
                u -> u.resource() instanceof Snapshot x && x.state() == SnapshotState.READY).resource();
        assertThat(ready.location()).isEqualTo("registry.local/snap:main");
        edit(AgentKind.OPENSANDBOX_POOL, "py-pool", st -> st.put("available", 3));
        events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Pool x && x.idle() == 3);

        client.genericKubernetesResources(AgentKind.SANDBOX_SNAPSHOT.context(AgentKind.V1ALPHA1)).inNamespace(NS).withName("snap").delete();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.SNAPSHOT && r.key().equals("snap"));
        client.genericKubernetesResources(AgentKind.OPENSANDBOX_POOL.context(AgentKind.V1ALPHA1)).inNamespace(NS).withName("py-pool").delete();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.POOL && r.key().equals("py-pool"));

        assertThatThrownBy(() -> backend.pause(b.id()).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(SandtableException.class).hasMessageContaining("read-only");
        backend.destroy(b.id()).join();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.SANDBOX && r.key().equals(b.id()));
        assertThat(client.genericKubernetesResources(AgentKind.BATCH_SANDBOX.context(AgentKind.V1ALPHA1)).inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void anOpenSandboxPoolIsResizedAndDeletedAndItsSnapshotsDeletedButNotClaimed() {
        AgentSandboxMock.installOpenSandboxCrds(client, AgentKind.V1ALPHA1);
        AgentSandboxMock.create(client, AgentSandboxMock.openSandboxPool("py-pool", 1, 2, 5, 0, 0, 0));
        AgentSandboxMock.create(client, AgentSandboxMock.sandboxSnapshot("snap", "batch", "Succeed"));
        Events events = new Events();
        sync(events);
        assertThat(backend.capabilities().supports(dev.sandtable.spi.Operation.POOL_RESIZE)).isTrue();
        assertThat(backend.capabilities().supports(dev.sandtable.spi.Operation.POOL_CREATE))
                .as("pools are created as SandboxWarmPools, and agent-sandbox is not installed").isFalse();
        assertThat(backend.capabilities().supports(dev.sandtable.spi.Operation.DELETE_SNAPSHOT)).isTrue();
        assertThat(backend.capabilities().supports(dev.sandtable.spi.Operation.SNAPSHOT)).isFalse();

        Pool resized = backend.resizePool("py-pool", 3, 8).join();
        assertThat(resized.minIdle()).isEqualTo(3);
        assertThat(resized.maxSize()).isEqualTo(8);
        @SuppressWarnings("unchecked")
        Map<String, Object> capacity = (Map<String, Object>) ((Map<?, ?>) client.genericKubernetesResources(AgentKind.OPENSANDBOX_POOL.context(AgentKind.V1ALPHA1))
                .inNamespace(NS).withName("py-pool").get().getAdditionalProperties().get("spec")).get("capacitySpec");
        assertThat(capacity).as("bufferMax raised to bufferMin, poolMin kept").containsEntry("bufferMin", 3).containsEntry("bufferMax", 3)
                .containsEntry("poolMax", 8).containsEntry("poolMin", 0);
        events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Pool x && x.minIdle() == 3);
        assertThatThrownBy(() -> backend.resizePool("py-pool", 4, 2).join()).cause().isInstanceOf(SandtableException.class)
                .hasMessageContaining("poolMax (2) cannot be below its bufferMin (4)");
        assertThatThrownBy(() -> backend.claim("py-pool").join()).cause().isInstanceOf(SandtableException.class)
                .hasMessageContaining("is an OpenSandbox Pool").hasMessageContaining("poolRef");

        backend.deleteSnapshot("snap").join();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.SNAPSHOT && r.key().equals("snap"));
        assertThatThrownBy(() -> backend.deleteSnapshot("snap").join()).cause().isInstanceOf(SandtableException.class)
                .extracting(e -> ((SandtableException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        backend.deletePool("py-pool").join();
        events.await(BackendEvent.Removed.class, r -> r.kind() == ResourceKind.POOL && r.key().equals("py-pool"));
        assertThat(client.genericKubernetesResources(AgentKind.OPENSANDBOX_POOL.context(AgentKind.V1ALPHA1)).inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void aFailedBatchSandboxShowsItsConditionMessage() {
        AgentSandboxMock.installOpenSandboxCrds(client, AgentKind.V1ALPHA1);
        GenericKubernetesResource b = AgentSandboxMock.batchSandbox("broken", 1, "Failed", 0, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> st = (Map<String, Object>) b.getAdditionalProperties().get("status");
        st.put("conditions", java.util.List.of(Map.of("type", "PodFailed", "status", "True", "reason", "ImagePull", "message", "image not found")));
        AgentSandboxMock.create(client, b);
        Sandbox s = sync(new Events()).inventory().sandboxes().getFirst();
        assertThat(s.state()).isEqualTo(SandboxState.FAILED);
        assertThat(s.stateReason()).isEqualTo("image not found");
        assertThat(s.sourceKind()).isEqualTo(SourceKind.IMAGE);
    }

    @Test
    void withoutTheCrdsNothingOfOpenSandboxIsShown() {
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        Events events = new Events();
        BackendEvent.Synced synced = sync(events);
        assertThat(backend.discovered().anyOpenSandbox()).isFalse();
        assertThat(backend.discovered().anyAgentSandbox()).isTrue();
        assertThat(synced.inventory().snapshots()).isEmpty();
        assertThatThrownBy(() -> backend.destroy(OpenSandboxCrds.BATCH_PREFIX + "x").join()).cause()
                .isInstanceOf(SandtableException.class).extracting(e -> ((SandtableException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void anUnknownOpenSandboxVersionIsNamed() {
        server.expect().get().withPath("/apis/sandbox.opensandbox.io").andReturn(200, new APIGroupBuilder().withName("sandbox.opensandbox.io")
                .addNewVersion().withGroupVersion("sandbox.opensandbox.io/v1beta2").withVersion("v1beta2").endVersion().build()).always();
        Events events = new Events();
        sync(events);
        BackendEvent.Connection c = events.await(BackendEvent.Connection.class, x -> x.state() == ConnectionState.CONNECTED && x.message() != null);
        assertThat(c.message()).contains("sandbox.opensandbox.io is served in version v1beta2, which Sandtable does not know (it reads v1alpha1)",
                "BatchSandbox, Pool, SandboxSnapshot not shown");
    }
}
