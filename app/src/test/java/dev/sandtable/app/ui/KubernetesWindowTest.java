package dev.sandtable.app.ui;

import dev.sandtable.app.KubernetesContexts;
import dev.sandtable.kubernetes.AgentKind;
import dev.sandtable.kubernetes.AgentSandboxMock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7's acceptance: the window, given a kubeconfig whose context points at fabric8's mock API server, shows the
 * cluster's pods and agent-sandbox resources and follows them live. The path is the real one: the kubeconfig is
 * read by {@link KubernetesContexts}, and the backend's client and informers are built from it.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesWindowTest {
    KubernetesMockServer server;
    KubernetesClient client;
    private final WindowDriver w = new WindowDriver();
    private dev.sandtable.kubernetes.MockKubeconfig kubeconfig;

    @AfterEach
    void tearDown() throws Exception {
        try {
            dev.sandtable.kubernetes.MockServerTeardown.serverFirst(server, w::stop);
        } finally {
            if (kubeconfig != null) kubeconfig.close();
        }
    }

    @Test
    void aKubeconfigContextShowsItsPodsSandboxesAndPoolsLive(@TempDir Path tmp) throws Exception {
        String ns = AgentSandboxMock.NS;
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        AgentSandboxMock.create(client, AgentSandboxMock.template("python", "python:3.12"));
        AgentSandboxMock.create(client, AgentSandboxMock.warmPool("py-pool", "python", 2, 2));
        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("agent-ready", true, null, false));
        client.pods().inNamespace(ns).resource(AgentSandboxMock.pod("plain-pod", "Running", Map.of())).create();

        kubeconfig = dev.sandtable.kubernetes.MockKubeconfig.install(tmp, client, ns);

        w.start(KubernetesContexts.fromKubeconfig());
        w.until("the pod and the Sandbox show", () -> w.names("sandbox").containsAll(java.util.List.of("plain-pod", "agent-ready")));
        assertThat(WindowDriver.fx(() -> w.vm().inventory().backends().getFirst().displayName())).isEqualTo("mock · " + ns);

        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("agent-new", null, null, false));
        w.until("a Sandbox created in the cluster appears", () -> w.names("sandbox").contains("agent-new"));
        client.pods().inNamespace(ns).withName("plain-pod").delete();
        w.until("a deleted pod disappears", () -> !w.names("sandbox").contains("plain-pod"));
        w.until("the warm pool shows", () -> w.names("pool").contains("py-pool"));
        w.until("the template shows", () -> w.names("template").contains("python"));

        // another namespace of the same context: its rows replace the first one's, the entry keeps its place
        client.pods().inNamespace("team-b").resource(AgentSandboxMock.pod("b-worker", "Running", Map.of())).create();
        WindowDriver.fx(() -> w.vm().useNamespace(w.vm().inventory().backends().getFirst(), "team-b")).get(60, java.util.concurrent.TimeUnit.SECONDS);
        w.until("the other namespace's pod shows alone", () -> w.names("sandbox").equals(java.util.List.of("b-worker")));
        assertThat(WindowDriver.fx(() -> w.vm().inventory().backends().getFirst().displayName())).isEqualTo("mock · team-b");
        assertThat(WindowDriver.fx(() -> w.vm().inventory().backends().size())).isEqualTo(1);
    }
}
