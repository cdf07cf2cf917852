package dev.sandtable.service;

import com.fasterxml.jackson.databind.JavaType;
import dev.sandtable.json.Json;
import dev.sandtable.model.Inventory;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.e2b.server.E2bServer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Backend} that is the Sandtable service, reached over its HTTP API: what the window and the command line
 * use. Every call has a timeout; a service that is gone gives UNAVAILABLE errors at once. The service is found
 * through a locator (normally service.json), read again after a failed connection, so a restarted service on a
 * new port with a new key is found without a new client.
 */
public final class ServiceClient implements Backend {

    /**
     * @param connect   to open a connection
     * @param quick     for info, inventory and the event stream's headers
     * @param operation for lifecycle operations (creating a sandbox may take a while)
     * @param reconnectMin first delay before reconnecting the event stream
     * @param reconnectMax longest delay between reconnect attempts
     */
    public record Timeouts(Duration connect, Duration quick, Duration operation, Duration reconnectMin, Duration reconnectMax) {
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMinutes(2),
                    Duration.ofMillis(100), Duration.ofSeconds(2));
        }

        public Timeouts withOperation(Duration d) {
            return new Timeouts(connect, quick, d, reconnectMin, reconnectMax);
        }
    }

    private final Supplier<ServiceInfo> locator;
    private final Timeouts timeouts;
    private final HttpClient http;
    private final Set<ServiceWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile ServiceInfo endpoint;
    private final Api.Info remote;
    private volatile boolean closed;
    private E2bBackend streams;
    private ServiceInfo streamsFor;

    private ServiceClient(Supplier<ServiceInfo> locator, Timeouts timeouts) {
        this.locator = locator;
        this.timeouts = timeouts;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeouts.connect()).build();
        this.endpoint = locator.get();
        try {
            this.remote = this.<Api.Info>call("GET", "/info", null, Json.mapper().constructType(Api.Info.class), timeouts.quick()).join();
        } catch (CompletionException e) {
            http.shutdownNow();
            throw SandtableException.of(e);
        }
    }

    /**
     * Connects (one blocking call, GET info, which checks the key) to the service the locator names.
     *
     * @throws SandtableException UNAVAILABLE when it does not answer, UNAUTHORIZED when the key is refused
     */
    public static ServiceClient connect(Supplier<ServiceInfo> locator, Timeouts timeouts) {
        return new ServiceClient(locator, timeouts);
    }

    /** A client for one fixed endpoint (tests, or a service reached without service.json). */
    public static ServiceClient connect(ServiceInfo endpoint) {
        return new ServiceClient(() -> endpoint, Timeouts.defaults());
    }

    /** The message every "cannot reach the service" error carries. */
    public static String notRunning(String why) {
        return "the Sandtable service is not running (" + why + "); start it with ./sandtable serve";
    }

    /** The service as it described itself when this client connected. */
    public Api.Info serviceInfo() {
        return remote;
    }

    /** Where the service is reached now. */
    public ServiceInfo endpoint() {
        return endpoint;
    }

    Timeouts timeouts() {
        return timeouts;
    }

    HttpClient http() {
        return http;
    }

    ServiceInfo locate() {
        ServiceInfo fresh = locator.get();
        endpoint = fresh;
        return fresh;
    }

    @Override
    public BackendInfo info() {
        return remote.backend();
    }

    @Override
    public Capabilities capabilities() {
        return remote.capabilities();
    }

    /** Terminals and watches go through the service's E2B-compatible envd routes: one streaming path for local and remote. */
    @Override
    public CompletableFuture<TerminalSession> openTerminal(String sandbox, TerminalRequest request) {
        if (!capabilities().supports(Operation.TERMINAL)) return Backend.super.openTerminal(sandbox, request);
        return streams().openTerminal(sandbox, request);
    }

    @Override
    public CompletableFuture<DirectoryWatch> watchDir(String sandbox, WatchRequest request, WatchListener listener) {
        if (!capabilities().supports(Operation.WATCH_DIR)) return Backend.super.watchDir(sandbox, request, listener);
        return streams().watchDir(sandbox, request, listener);
    }

    /** An E2B client for the service's current address, made again when a restarted service moved. */
    private synchronized E2bBackend streams() {
        ServiceInfo ep = endpoint;
        if (streams == null || !ep.equals(streamsFor)) {
            if (streams != null) streams.close();
            URI url = URI.create(ep.url());
            streams = new E2bBackend(new E2bConfig(url, ep.apiKey(), E2bServer.DOMAIN, E2bConfig.Routing.SANDBOX_URL, url, null, null));
            streamsFor = ep;
        }
        return streams;
    }

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        ServiceWatch w = new ServiceWatch(this, listener, watches::remove);
        watches.add(w);
        if (closed) w.close();
        else w.start();
        return w;
    }

    public CompletableFuture<Inventory> inventory() {
        return call("GET", "/inventory", null, type(Inventory.class), timeouts.quick());
    }

    public CompletableFuture<Api.Health> health() {
        return call("GET", "/health", null, type(Api.Health.class), timeouts.quick());
    }

    /** Asks the service to stop; it answers at once and stops right after. */
    public CompletableFuture<Void> shutdown() {
        return call("POST", "/shutdown", null, type(Void.class), timeouts.quick());
    }

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        return operation("POST", () -> "/sandboxes", Objects.requireNonNull(request), Sandbox.class);
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return operation("POST", () -> "/sandboxes/" + seg(sandbox) + "/pause", null, Sandbox.class);
    }

    @Override
    public CompletableFuture<String> logs(String sandbox, int maxBytes) {
        int n = Math.clamp(maxBytes, 1, Api.LOGS_MAX_BYTES);
        return operation("GET", () -> "/sandboxes/" + seg(sandbox) + "/logs?maxBytes=" + n, null, Api.LogsBody.class)
                .thenApply(Api.LogsBody::text);
    }

    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return operation("POST", () -> "/sandboxes/" + seg(sandbox) + "/resume", null, Sandbox.class);
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        return operation("DELETE", () -> "/sandboxes/" + seg(sandbox), null, Void.class);
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return operation("POST", () -> "/sandboxes/" + seg(sandbox) + "/snapshots", new Api.NameBody(snapshotName), Snapshot.class);
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return operation("POST", () -> "/snapshots/" + seg(snapshot) + "/restore", new Api.NameBody(sandboxName), Sandbox.class);
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return operation("DELETE", () -> "/snapshots/" + seg(snapshot), null, Void.class);
    }

    @Override
    public CompletableFuture<Template> createTemplate(String snapshot, String templateName) {
        return operation("POST", () -> "/templates", new Api.TemplateBody(snapshot, templateName), Template.class);
    }

    @Override
    public CompletableFuture<Void> deleteTemplate(String template) {
        return operation("DELETE", () -> "/templates/" + seg(template), null, Void.class);
    }

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return operation("POST", () -> "/pools", Objects.requireNonNull(spec), Pool.class);
    }

    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        return operation("POST", () -> "/pools/" + seg(pool) + "/resize", new Api.ResizeBody(minIdle, maxSize), Pool.class);
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return operation("DELETE", () -> "/pools/" + seg(pool), null, Void.class);
    }

    @Override
    public CompletableFuture<Claim> claim(String pool) {
        return operation("POST", () -> "/pools/" + seg(pool) + "/claims", null, Claim.class);
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return operation("POST", () -> "/claims/" + seg(claimId) + "/release", new Api.ReleaseBody(mode), Void.class);
    }

    /** Closes the event streams and the HTTP client; the service and its sandboxes keep running. */
    @Override
    public void close() {
        closed = true;
        watches.forEach(ServiceWatch::close);
        synchronized (this) {
            if (streams != null) streams.close();
        }
        http.shutdownNow();
    }

    private <T> CompletableFuture<T> operation(String method, Supplier<String> path, Object body, Class<T> type) {
        try {
            return call(method, path.get(), body, type(type), timeouts.operation());
        } catch (SandtableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private <T> CompletableFuture<T> call(String method, String path, Object body, JavaType type, Duration timeout) {
        String fullPath = path.equals("/health") ? path : Api.PREFIX + path;
        byte[] bytes;
        try {
            bytes = body == null ? null : Json.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(SandtableException.of(e));
        }
        return attempt(endpoint, method, fullPath, bytes, type, timeout, true);
    }

    private <T> CompletableFuture<T> attempt(ServiceInfo ep, String method, String path, byte[] body, JavaType type,
                                             Duration timeout, boolean mayRelocate) {
        if (closed) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNAVAILABLE, "the service client is closed"));
        HttpRequest request = request(ep, path, timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                // a connection that was refused sent nothing, so it is safe to retry at a restarted service's new address
                if (mayRelocate && cause instanceof ConnectException) {
                    ServiceInfo fresh = relocated(ep);
                    if (fresh != null) return this.<T>attempt(fresh, method, path, body, type, timeout, false);
                }
                return CompletableFuture.<T>failedFuture(unreachable(ep, cause, timeout));
            }
            if (response.statusCode() == 401 && mayRelocate) {
                ServiceInfo fresh = relocated(ep);
                if (fresh != null) return this.<T>attempt(fresh, method, path, body, type, timeout, false);
            }
            try {
                return CompletableFuture.completedFuture(this.<T>decode(response, type));
            } catch (SandtableException e) {
                return CompletableFuture.<T>failedFuture(e);
            }
        }).thenCompose(f -> f);
    }

    HttpRequest.Builder request(ServiceInfo ep, String path, Duration timeout) {
        return HttpRequest.newBuilder(ep.uri(path)).timeout(timeout).header(ApiKeys.HEADER, ep.apiKey());
    }

    /** The service's new address when the locator now names a different one, else null. */
    private ServiceInfo relocated(ServiceInfo old) {
        try {
            ServiceInfo fresh = locator.get();
            if (fresh.equals(old)) return null;
            endpoint = fresh;
            return fresh;
        } catch (SandtableException e) {
            return null;
        }
    }

    private <T> T decode(HttpResponse<byte[]> response, JavaType type) {
        int status = response.statusCode();
        byte[] body = response.body();
        if (status >= 200 && status < 300) {
            if (type.getRawClass() == Void.class || body.length == 0) return null;
            try {
                return Json.mapper().readValue(body, type);
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.INTERNAL, "the Sandtable service sent an unreadable answer: " + e.getMessage(), e);
            }
        }
        throw errorOf(status, body);
    }

    static SandtableException errorOf(int status, byte[] body) {
        Api.ErrorBody error = null;
        try {
            error = Json.mapper().readValue(body, Api.ErrorBody.class);
        } catch (IOException | RuntimeException ignored) {
            // not one of ours: describe the status
        }
        ErrorCode code = codeOf(status, error == null ? null : error.error());
        String message = error != null && error.message() != null ? error.message()
                : "the Sandtable service answered HTTP " + status;
        return new SandtableException(code, message);
    }

    private static ErrorCode codeOf(int status, String name) {
        if (name != null) {
            try {
                return ErrorCode.valueOf(name);
            } catch (IllegalArgumentException ignored) {
                // an older or newer service: fall back to the status
            }
        }
        for (ErrorCode c : ErrorCode.values()) if (c.httpStatus() == status) return c;
        return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
    }

    static SandtableException unreachable(ServiceInfo ep, Throwable cause, Duration timeout) {
        if (cause instanceof SandtableException se) return se;
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException)
            return new SandtableException(ErrorCode.UNAVAILABLE, notRunning("no answer at " + ep.url()), cause);
        if (cause instanceof HttpTimeoutException)
            return new SandtableException(ErrorCode.UNAVAILABLE, "the Sandtable service at " + ep.url()
                    + " did not answer within " + timeout.toSeconds() + " s", cause);
        return new SandtableException(ErrorCode.UNAVAILABLE, "lost the connection to the Sandtable service at " + ep.url()
                + " (" + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()) + ")", cause);
    }

    private static JavaType type(Class<?> c) {
        return Json.mapper().constructType(c);
    }

    private static String seg(String value) {
        if (value == null || value.isBlank()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "a name or id is required");
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
