package dev.sandtable.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sandtable.json.Json;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Inventory;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.service.ServiceConnector;
import dev.sandtable.spi.SandtableException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What every command needs: where to print, which instance (--home), and the connection to the service. */
final class CliContext implements AutoCloseable {
    final PrintWriter out;
    final PrintWriter err;
    private final Instant now = Instant.now();
    Path home;
    boolean json;
    /** --backend: "service" (the default) or "kubernetes", with --context and --namespace. */
    String backend;
    String kubeContext;
    String kubeNamespace;
    private ServiceClient client;
    private dev.sandtable.spi.Backend kubernetes;

    CliContext(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    RuntimePaths paths() {
        return home != null ? RuntimePaths.under(home.toAbsolutePath()) : RuntimePaths.fromEnvironment();
    }

    /** The backend the commands act on: the service (started first when it is not running), or a Kubernetes context. */
    dev.sandtable.spi.Backend service() {
        if ("kubernetes".equals(backend)) return kubernetes();
        if (backend != null && !backend.equals("service"))
            throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "unknown --backend " + backend + "; use service or kubernetes");
        if (client == null) {
            client = ServiceConnector.connectOrStart(paths(), ServiceConnector.Options.defaults()
                    .withProgress(m -> {
                        err.println("sandtable: " + m);
                        err.flush();
                    }));
        }
        return client;
    }

    /** The service if it runs now; never starts one. */
    Optional<ServiceClient> runningService() {
        if (client == null) client = ServiceConnector.connectExisting(paths(), ServiceConnector.Options.defaults()).orElse(null);
        return Optional.ofNullable(client);
    }

    private dev.sandtable.spi.Backend kubernetes() {
        if (kubernetes == null)
            kubernetes = dev.sandtable.kubernetes.KubernetesBackend.forContext(new dev.sandtable.kubernetes.KubeTarget(kubeContext, kubeNamespace, null));
        return kubernetes;
    }

    Inventory inventory() {
        if ("kubernetes".equals(backend)) return kubernetesInventory();
        dev.sandtable.spi.Backend b = service();
        return await(((ServiceClient) b).inventory());
    }

    /** The first full view of the Kubernetes context (from its informers), or the reason it could not be had. */
    private Inventory kubernetesInventory() {
        CompletableFuture<Inventory> first = new CompletableFuture<>();
        try (dev.sandtable.spi.Subscription ignored = kubernetes().watch(e -> {
            if (e instanceof dev.sandtable.spi.BackendEvent.Synced s) first.complete(s.inventory());
            else if (e instanceof dev.sandtable.spi.BackendEvent.Connection c && c.state() == dev.sandtable.spi.ConnectionState.DISCONNECTED)
                first.completeExceptionally(new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, c.message()));
        })) {
            return await(first.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    Instant now() {
        return now;
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (RuntimeException e) {
            throw SandtableException.of(e);
        }
    }

    /** A list as JSON, each element with its type name (as the service's inventory writes them). */
    <T> void printJsonList(java.util.List<T> values, Class<T> elementType) {
        try {
            out.println(Json.mapper().writerFor(Json.mapper().getTypeFactory().constructCollectionType(java.util.List.class, elementType))
                    .withDefaultPrettyPrinter().writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw SandtableException.of(e);
        }
    }

    void printJson(Object value) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw SandtableException.of(e);
        }
    }

    @Override
    public void close() {
        if (client != null) client.close();
        client = null;
        if (kubernetes != null) kubernetes.close();
        kubernetes = null;
    }
}
