package dev.sandtable.app.cli;

import dev.sandtable.kubernetes.AgentKind;
import dev.sandtable.kubernetes.AgentSandboxMock;
import dev.sandtable.kubernetes.MockKubeconfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --backend kubernetes --context --namespace} on the existing commands, through a kubeconfig for the mock. */
@EnableKubernetesMockClient(crud = true)
class CliKubernetesTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void listsAndSuspendsInAKubeconfigContext(@TempDir Path tmp) throws Exception {
        AgentSandboxMock.installCrds(client, AgentKind.V1BETA1);
        AgentSandboxMock.create(client, AgentSandboxMock.sandbox("agent-1", true, null, false));
        client.pods().inNamespace("other").resource(AgentSandboxMock.pod("elsewhere", "Running", Map.of())).create();
        client.pods().inNamespace(AgentSandboxMock.NS).resource(AgentSandboxMock.pod("worker", "Running", Map.of())).create();
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        try (MockKubeconfig ignored = MockKubeconfig.install(tmp, client, AgentSandboxMock.NS)) {
            CliRunner.Result ls = cli.run("--backend", "kubernetes", "--context", "mock", "ls");
            assertThat(ls.code()).as(ls.toString()).isZero();
            assertThat(ls.out()).contains("agent-1", "worker", "Running").doesNotContain("elsewhere");

            CliRunner.Result other = cli.run("--backend", "kubernetes", "--namespace", "other", "ls", "-q");
            assertThat(other.out().strip()).isEqualTo("elsewhere");

            CliRunner.Result pause = cli.run("--backend", "kubernetes", "pause", "agent-1");
            assertThat(pause.code()).as(pause.toString()).isZero();
            Object spec = client.genericKubernetesResources(AgentKind.SANDBOX.context(AgentKind.V1BETA1)).inNamespace(AgentSandboxMock.NS)
                    .withName("agent-1").get().getAdditionalProperties().get("spec");
            assertThat(((Map<?, ?>) spec).get("operatingMode")).isEqualTo("Suspended");

            CliRunner.Result bad = cli.run("--backend", "kubernetes", "--context", "nope", "ls");
            assertThat(bad.code()).isNotZero();
            assertThat(bad.err()).contains("no context named 'nope'", "mock");
        }
    }
}
