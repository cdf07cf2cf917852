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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What every command needs: where to print, which instance (--home), and the connection to the service. */
final class CliContext implements AutoCloseable {
    final PrintWriter out;
    final PrintWriter err;
    private final Instant now = Instant.now();
    Path home;
    boolean json;
    /** --backend: "service" (the default: the per-user service and its local runtime) or "docker". */
    String backendName;
    /** --docker-host: the engine for --backend docker (else DOCKER_HOST, the current context, the default socket). */
    String dockerHost;
    private ServiceClient client;
    private DockerBackend docker;

    CliContext(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    RuntimePaths paths() {
        return home != null ? RuntimePaths.under(home.toAbsolutePath()) : RuntimePaths.fromEnvironment();
    }

    /** The service, started first when it is not running. */
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

    Inventory inventory() {
        if (isDocker()) return ((DockerBackend) backend()).awaitInventory(java.time.Duration.ofSeconds(30));
        return await(service().inventory());
    }

    boolean isDocker() {
        if (backendName == null || backendName.equals("service") || backendName.equals("local")) {
            if (dockerHost != null) throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "--docker-host needs --backend docker");
            return false;
        }
        if (backendName.equals("docker")) return true;
        throw new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_ARGUMENT, "unknown backend '" + backendName + "'; choose service (the default) or docker");
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

    /** The backend the command acts on: the service, or a Docker engine talked to directly. */
    Backend backend() {
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
    }
}
