package dev.sandtable.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sandtable.docker.DockerBackend;
import dev.sandtable.docker.DockerHost;
import dev.sandtable.json.Json;
import dev.sandtable.spi.Backend;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Inventory;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.service.ServiceConnector;
import dev.sandtable.spi.SandtableException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What every command needs: where to print, which instance (--home), and the connection to the service. */
final class CliContext implements AutoCloseable {
    final PrintWriter out;
    final PrintWriter err;
    private final Instant now = Instant.now();
    Path home;
    boolean json;
    /** The environment E2B and OpenSandbox backends are configured from; tests replace it. */
    static java.util.function.Supplier<java.util.Map<String, String>> environment = System::getenv;
    /**
     * --backend: "service" (the default: the per-user service and its local runtime), "docker", "kubernetes", or a
     * remote platform named by the environment as in the window: "e2b" (E2B_API_URL, E2B_API_KEY, …) or
     * "opensandbox" (OPEN_SANDBOX_API_URL, OPEN_SANDBOX_API_KEY).
     */
    String backendName;
    /** --docker-host: the engine for --backend docker (else DOCKER_HOST, the current context, the default socket). */
    String dockerHost;
    /** --context, --namespace: for --backend kubernetes (else the kubeconfig's current context and its namespace). */
    String kubeContext;
    String kubeNamespace;
    private ServiceClient client;
    private DockerBackend docker;
    private Backend kubernetes;
    private Backend remote;

    CliContext(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    RuntimePaths paths() {
        return home != null ? RuntimePaths.under(home.toAbsolutePath()) : RuntimePaths.fromEnvironment();
    }

    /** The per-user service, started first when it is not running. */
    ServiceClient service() {
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

    private Backend kubernetes() {
        if (kubernetes == null)
            kubernetes = dev.sandtable.kubernetes.KubernetesBackend.forContext(new dev.sandtable.kubernetes.KubeTarget(kubeContext, kubeNamespace, null));
        return kubernetes;
    }

    /** The E2B-compatible platform or OpenSandbox server the environment names. */
    private Backend remote(String kind) {
        if (remote == null) {
            java.util.Map<String, String> env = environment.get();
            remote = kind.equals("e2b") ? new dev.sandtable.e2b.E2bBackend(dev.sandtable.e2b.E2bConfig.fromEnvironment(env))
                    : new dev.sandtable.opensandbox.OpenSandboxBackend(dev.sandtable.opensandbox.OpenSandboxConfig.fromEnvironment(env));
        }
        return remote;
    }

    Inventory inventory() {
        return switch (kind()) {
            case "docker" -> ((DockerBackend) backend()).awaitInventory(java.time.Duration.ofSeconds(30));
            case "service" -> await(service().inventory());
            default -> firstInventory(backend());
        };
    }

    /** A watched backend's first full view (Kubernetes informers, a remote platform's first poll), or why it could not be had. */
    private static Inventory firstInventory(Backend backend) {
        CompletableFuture<Inventory> first = new CompletableFuture<>();
        try (dev.sandtable.spi.Subscription ignored = backend.watch(e -> {
            if (e instanceof dev.sandtable.spi.BackendEvent.Synced s) first.complete(s.inventory());
            else if (e instanceof dev.sandtable.spi.BackendEvent.Connection c && c.state() == dev.sandtable.spi.ConnectionState.DISCONNECTED)
                first.completeExceptionally(new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, c.message()));
        })) {
            return await(first.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    /** Which --backend: service, docker, kubernetes, e2b or opensandbox; a usage error for anything else or for options of another kind. */
    String kind() {
        String kind = backendName == null || backendName.equals("local") ? "service" : backendName;
        if (!List.of("service", "docker", "kubernetes", "e2b", "opensandbox").contains(kind))
            throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "unknown backend '" + backendName
                    + "'; choose service (the default), docker, kubernetes, e2b or opensandbox");
        if (dockerHost != null && !kind.equals("docker"))
            throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "--docker-host needs --backend docker");
        if ((kubeContext != null || kubeNamespace != null) && !kind.equals("kubernetes"))
            throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "--context and --namespace need --backend kubernetes");
        return kind;
    }

    boolean isDocker() {
        return kind().equals("docker");
    }

    /** The Docker backend, for commands only Docker has; a usage error naming the command otherwise. */
    DockerBackend docker(String command) {
        if (!isDocker()) throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "'" + command
                + "' works on Docker sandboxes (--backend docker); local sandboxes are paused and resumed, or removed");
        return (DockerBackend) backend();
    }

    /** The backend for pool commands: Docker pools live in the process that made them (the window), not in one command. */
    Backend poolBackend() {
        if (isDocker()) throw new SandtableException(dev.sandtable.spi.ErrorCode.UNSUPPORTED, "warm pools on Docker live in the"
                + " Sandtable window that made them (they are kept in its memory); a single command cannot keep one");
        return backend();
    }

    /** The backend the command acts on: the service, a Docker engine, a Kubernetes context or a remote platform, talked to directly. */
    Backend backend() {
        String kind = kind();
        if (kind.equals("kubernetes")) return kubernetes();
        if (kind.equals("e2b") || kind.equals("opensandbox")) return remote(kind);
        if (!isDocker()) return service();
        if (docker == null) docker = new DockerBackend(dockerHost != null ? DockerHost.of(dockerHost, "--docker-host") : DockerHost.fromEnvironment());
        return docker;
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

    /** One line of JSON (for streams of objects, such as logs --follow --json). */
    String compactJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
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
        if (docker != null) docker.close();
        docker = null;
        if (kubernetes != null) kubernetes.close();
        kubernetes = null;
        if (remote != null) remote.close();
        remote = null;
    }
}
