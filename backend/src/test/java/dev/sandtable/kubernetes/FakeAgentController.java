package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Plays the agent-sandbox controller's claim path on the mock (which runs no controllers): a new SandboxClaim adopts
 * a ready member of its warm pool (launch-type warm, ownership moved to the claim), or, when the pool has none,
 * gets a new Sandbox that becomes ready shortly after (launch-type cold).
 */
final class FakeAgentController implements AutoCloseable {
    private final KubernetesClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Watch watch;

    FakeAgentController(KubernetesClient client) {
        this.client = client;
        this.watch = client.genericKubernetesResources(AgentKind.CLAIM.context(AgentKind.V1BETA1)).inNamespace(AgentSandboxMock.NS)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource claim) {
                        if (action == Action.ADDED) worker.execute(() -> reconcile(claim));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
    }

    private void reconcile(GenericKubernetesResource claimObj) {
        AgentClaim claim = AgentClaim.of(claimObj);
        var sandboxes = client.genericKubernetesResources(AgentKind.SANDBOX.context(AgentKind.V1BETA1)).inNamespace(AgentSandboxMock.NS);
        GenericKubernetesResource member = sandboxes.list().getItems().stream()
                .filter(s -> claim.pool().equals(AgentSandbox.of(s).ownerPool())).findFirst().orElse(null);
        String name;
        if (member != null) {
            name = member.getMetadata().getName();
            sandboxes.withName(name).edit(s -> {
                AgentSandboxMock.ownedBy(s, AgentKind.CLAIM, claim.name());
                Map<String, String> labels = new LinkedHashMap<>(s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels());
                labels.put(AgentSandbox.LAUNCH_TYPE, "warm");
                s.getMetadata().setLabels(labels);
                return s;
            });
        } else {
            name = claim.pool() + "-cold-" + claim.name().substring(claim.name().length() - 5);
            GenericKubernetesResource s = AgentSandboxMock.ownedBy(AgentSandboxMock.sandbox(name, false, "DependenciesNotReady", false), AgentKind.CLAIM, claim.name());
            s.getMetadata().setLabels(Map.of(AgentSandbox.LAUNCH_TYPE, "cold"));
            sandboxes.resource(s).create();
        }
        client.genericKubernetesResources(AgentKind.CLAIM.context(AgentKind.V1BETA1)).inNamespace(AgentSandboxMock.NS).withName(claim.name()).edit(c -> {
            c.getAdditionalProperties().put("status", Map.of("sandbox", Map.of("name", name)));
            return c;
        });
        if (member == null) {
            sleep(150);
            sandboxes.withName(name).edit(s -> {
                s.getAdditionalProperties().put("status", Map.of("conditions", List.of(AgentSandboxMock.condition("Ready", true, null)),
                        "podIPs", List.of("10.0.0.9")));
                return s;
            });
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        watch.close();
        worker.shutdownNow();
    }
}
