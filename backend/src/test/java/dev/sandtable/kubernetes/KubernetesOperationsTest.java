package dev.sandtable.kubernetes;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.sandtable.kubernetes.AgentSandboxMock.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Operations on agent-sandbox resources, against fabric8's CRUD mock (a test double plays the controller). */
@EnableKubernetesMockClient(crud = true)
class KubernetesOperationsTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesBackend backend;
    Events events = new Events();

    @BeforeEach
    void start() {
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        AgentSandboxMock.create(client, AgentSandboxMock.template("python", "python:3.12"));
        AgentSandboxMock.create(client, AgentSandboxMock.warmPool("py-pool", "python", 1, 1));
        AgentSandboxMock.create(client, AgentSandboxMock.ownedBy(AgentSandboxMock.sandbox("py-pool-warm1", true, null, false), AgentKind.WARM_POOL, "py-pool"));
        backend = new KubernetesBackend(server.createClient(), new KubeTarget("mock", NS, null), KubernetesBackendTest.FAST, Clock.systemUTC());
        backend.watch(events);
        events.await(BackendEvent.Synced.class, s -> true);
    }

    @AfterEach
    void close() throws Exception {
        MockServerTeardown.serverFirst(server, backend);
    }

    GenericKubernetesResource get(AgentKind k, String name) {
        return client.genericKubernetesResources(k.context(AgentKind.V1BETA1)).inNamespace(NS).withName(name).get();
    }

    @Test
    void createsASandboxFromATemplateThenSuspendsResumesAndDeletesIt() {
        Sandbox s = backend.create(new CreateSandboxRequest("agent-1", "python", null, Map.of("team", "ml"))).join();
        assertThat(s.name()).isEqualTo("agent-1");
        assertThat(s.templateId()).isEqualTo("python");
        GenericKubernetesResource obj = get(AgentKind.SANDBOX, "agent-1");
        assertThat(Fields.string(obj, "spec", "operatingMode")).isEqualTo("Running");
        assertThat(AgentTemplate.of(obj).images()).as("the template's pod template is copied").containsExactly("python:3.12");
        assertThat(obj.getMetadata().getAnnotations()).containsEntry(AgentSandbox.TEMPLATE_REF, "python");
        assertThat(obj.getMetadata().getLabels()).containsEntry("team", "ml");
        events.await(BackendEvent.Upserted.class, u -> u.resource().name().equals("agent-1"));

        backend.pause("agent-1").join();
        assertThat(Fields.string(get(AgentKind.SANDBOX, "agent-1"), "spec", "operatingMode")).isEqualTo("Suspended");
        events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Sandbox x && x.name().equals("agent-1")
                && x.state() == SandboxState.STOPPING && x.rawState().equals("Suspending"));
        backend.resume("agent-1").join();
        assertThat(Fields.string(get(AgentKind.SANDBOX, "agent-1"), "spec", "operatingMode")).isEqualTo("Running");

        backend.destroy("agent-1").join();
        assertThat(get(AgentKind.SANDBOX, "agent-1")).isNull();
        events.await(BackendEvent.Removed.class, r -> r.key().equals("agent-1"));

        assertThatThrownBy(() -> backend.create(CreateSandboxRequest.fromTemplate("x", "nope")).join())
                .cause().isInstanceOfSatisfying(SandtableException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("SandboxTemplate", "nope", NS);
                });
        assertThatThrownBy(() -> backend.destroy("ghost").join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void resizesCreatesAndDeletesWarmPools() {
        Pool p = backend.resizePool("py-pool", 5, 5).join();
        assertThat(p.minIdle()).isEqualTo(5);
        assertThat(Fields.integer(get(AgentKind.WARM_POOL, "py-pool"), "spec", "replicas")).isEqualTo(5);
        events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Pool x && x.minIdle() == 5);

        backend.createPool(new PoolSpec("small", "python", 2, 2)).join();
        assertThat(Fields.string(get(AgentKind.WARM_POOL, "small"), "spec", "sandboxTemplateRef", "name")).isEqualTo("python");
        backend.deletePool("small").join();
        assertThat(get(AgentKind.WARM_POOL, "small")).isNull();
        assertThatThrownBy(() -> backend.resizePool("py-pool", -1, 0).join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void claimsAreWarmWhenThePoolHasAMemberAndColdOtherwise() {
        try (FakeAgentController controller = new FakeAgentController(client)) {
            Claim warm = backend.claim("py-pool").join();
            assertThat(warm.warm()).isTrue();
            assertThat(warm.sandbox().name()).isEqualTo("py-pool-warm1");
            assertThat(warm.sandbox().poolName()).isEqualTo("py-pool");
            assertThat(warm.latency()).isPositive();
            assertThat(AgentClaim.of(get(AgentKind.CLAIM, warm.id())).pool()).isEqualTo("py-pool");

            Claim cold = backend.claim("py-pool").join();
            assertThat(cold.warm()).isFalse();
            assertThat(cold.sandbox().name()).startsWith("py-pool-cold-");
            assertThat(cold.sandbox().state()).isEqualTo(SandboxState.RUNNING);
            events.await(BackendEvent.Upserted.class, u -> u.resource() instanceof Pool x && x.inUse() == 2
                    && x.stats().hits() == 1 && x.stats().misses() == 1 && x.stats().claimLatency().count() == 2);

            backend.release(warm.id(), ReleaseMode.PUT).join();
            assertThat(get(AgentKind.CLAIM, warm.id())).isNull();
            backend.release(cold.id(), ReleaseMode.DEAD).join();
            assertThat(get(AgentKind.SANDBOX, cold.sandbox().name())).as("DEAD deletes the sandbox too").isNull();
        }
        assertThatThrownBy(() -> backend.claim("no-such-pool").join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> assertThat(e.getMessage()).contains("no SandboxWarmPool named 'no-such-pool'"));
    }

    @Test
    void aClaimNoControllerAnswersTimesOutWithAClearMessageAndIsDeleted() {
        // a second backend on the same mock, with a short claim timeout (the first stays open: its client shares the mock's)
        try (KubernetesBackend quick = new KubernetesBackend(server.createClient(), new KubeTarget("mock", NS, null),
                new KubernetesBackend.Options(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(700),
                        java.time.Duration.ofSeconds(1)), Clock.systemUTC())) {
            Events e2 = new Events();
            quick.watch(e2);
            e2.await(BackendEvent.Synced.class, s -> true);
            CompletableFuture<Claim> c = quick.claim("py-pool");
            assertThatThrownBy(c::join).cause().isInstanceOfSatisfying(SandtableException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("controller");
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!client.genericKubernetesResources(AgentKind.CLAIM.context(AgentKind.V1BETA1)).inNamespace(NS).list().getItems().isEmpty()) {
                assertThat(System.nanoTime()).as("the timed-out claim is deleted").isLessThan(deadline);
                sleep(50);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void plainPodsCannotBeSuspended() {
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("plain", "Running", Map.of())).create();
        events.await(BackendEvent.Upserted.class, u -> u.resource().name().equals("plain"));
        assertThatThrownBy(() -> backend.pause("pod/plain").join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED);
                    assertThat(e.getMessage()).contains("plain pod");
                });
        backend.destroy("pod/plain").join();
        assertThat(client.pods().inNamespace(NS).withName("plain").get()).isNull();
    }
}
