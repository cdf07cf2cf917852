package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A kubeconfig file whose context "mock" points at a mock API server, installed as fabric8's {@code kubeconfig} property. */
public final class MockKubeconfig implements AutoCloseable {
    private final String previous;

    private MockKubeconfig(String previous) {
        this.previous = previous;
    }

    public static MockKubeconfig install(Path dir, KubernetesClient mockClient, String namespace) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                current-context: mock
                clusters:
                - name: mock-cluster
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: dev
                  user:
                    token: not-checked-by-the-mock
                contexts:
                - name: mock
                  context:
                    cluster: mock-cluster
                    user: dev
                    namespace: %s
                """.formatted(mockClient.getMasterUrl().toString(), namespace));
        MockKubeconfig k = new MockKubeconfig(System.getProperty("kubeconfig"));
        System.setProperty("kubeconfig", file.toString());
        return k;
    }

    @Override
    public void close() {
        if (previous == null) System.clearProperty("kubeconfig");
        else System.setProperty("kubeconfig", previous);
    }
}
