package dev.sandtable.service;

import com.fasterxml.jackson.core.JacksonException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.sandtable.e2b.server.E2bServer;
import dev.sandtable.json.Json;
import dev.sandtable.model.Inventory;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Routes every request of the service's HTTP API to the backend; see docs/service-api.md. */
final class ApiRoutes implements HttpHandler {
    private final LocalService service;
    private final Backend backend;
    private final EventStreams events;
    private final E2bServer e2b;
    private final Duration inventoryTimeout;
    private final List<Route> routes = new ArrayList<>();

    ApiRoutes(LocalService service, Backend backend, EventStreams events, E2bServer e2b, Duration inventoryTimeout) {
        this.service = service;
        this.e2b = e2b;
        this.backend = backend;
        this.events = events;
        this.inventoryTimeout = inventoryTimeout;
        route("GET", "info", 200, (p, ex) -> CompletableFuture.completedFuture(info()));
        route("GET", "inventory", 200, (p, ex) -> inventory());
        route("POST", "sandboxes", 201, (p, ex) -> backend.create(body(ex, CreateSandboxRequest.class)));
        route("POST", "sandboxes/{}/pause", 200, (p, ex) -> backend.pause(p.getFirst()));
        route("POST", "sandboxes/{}/resume", 200, (p, ex) -> backend.resume(p.getFirst()));
        route("DELETE", "sandboxes/{}", 204, (p, ex) -> backend.destroy(p.getFirst()));
        route("GET", "sandboxes/{}/logs", 200, (p, ex) -> backend.logs(p.getFirst(), maxBytes(ex)).thenApply(Api.LogsBody::new));
        route("POST", "sandboxes/{}/snapshots", 201, (p, ex) -> backend.snapshot(p.getFirst(), optionalName(ex)));
        route("POST", "snapshots/{}/restore", 201, (p, ex) -> backend.restore(p.getFirst(), optionalName(ex)));
        route("DELETE", "snapshots/{}", 204, (p, ex) -> backend.deleteSnapshot(p.getFirst()));
        route("POST", "templates", 201, (p, ex) -> {
            Api.TemplateBody b = body(ex, Api.TemplateBody.class);
            return backend.createTemplate(required("snapshot", b.snapshot()), b.name());
        });
        route("DELETE", "templates/{}", 204, (p, ex) -> backend.deleteTemplate(p.getFirst()));
        route("POST", "pools", 201, (p, ex) -> backend.createPool(body(ex, PoolSpec.class)));
        route("POST", "pools/{}/resize", 200, (p, ex) -> {
            Api.ResizeBody b = body(ex, Api.ResizeBody.class);
            return backend.resizePool(p.getFirst(), b.minIdle(), b.maxSize());
        });
        route("DELETE", "pools/{}", 204, (p, ex) -> backend.deletePool(p.getFirst()));
        route("POST", "pools/{}/claims", 201, (p, ex) -> backend.claim(p.getFirst()));
        route("POST", "claims/{}/release", 204, (p, ex) -> {
            Api.ReleaseBody b = optionalBody(ex, Api.ReleaseBody.class);
            return backend.release(p.getFirst(), b == null || b.mode() == null ? ReleaseMode.PUT : b.mode());
        });
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            dispatch(ex);
        } catch (SandtableException e) {
            sendError(ex, e.code().httpStatus(), e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LocalService.log("internal error on " + ex.getRequestMethod() + " " + ex.getRequestURI() + ": " + e);
            sendError(ex, 500, ErrorCode.INTERNAL, String.valueOf(e.getMessage()));
        } finally {
            ex.close();
        }
    }

    private void dispatch(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        if (e2b != null && e2b.handle(ex)) return;
        if (path.equals(Api.HEALTH)) {
            sendJson(ex, 200, new Api.Health("ok", SandtableVersion.get(), service.info().pid()));
            return;
        }
        if (!ApiKeys.matches(service.info().apiKey(), ex.getRequestHeaders().getFirst(ApiKeys.HEADER))) {
            String why = ex.getRequestHeaders().containsKey(ApiKeys.HEADER) ? "the API key is wrong" : "the request has no X-API-Key header";
            sendError(ex, 401, ErrorCode.UNAUTHORIZED, why + "; the key is in service.json");
            return;
        }
        if (!path.startsWith(Api.PREFIX + "/")) {
            sendError(ex, 404, ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path);
            return;
        }
        List<String> segments = segments(path.substring(Api.PREFIX.length() + 1));
        if (segments.equals(List.of("shutdown")) && method.equals("POST")) {
            sendJson(ex, 202, new Api.Health("stopping", SandtableVersion.get(), service.info().pid()));
            ex.close();
            service.stopSoon();
            return;
        }
        if (segments.equals(List.of("events"))) {
            if (!method.equals("GET")) {
                sendError(ex, 405, ErrorCode.INVALID_ARGUMENT, "use GET for " + path);
                return;
            }
            events.serve(ex);
            return;
        }
        boolean pathKnown = false;
        for (Route r : routes) {
            List<String> params = r.match(segments);
            if (params == null) continue;
            pathKnown = true;
            if (!r.method.equals(method)) continue;
            Object result = await(r.action.run(params, ex));
            if (result == null || r.status == 204) {
                ex.sendResponseHeaders(204, -1);
            } else {
                sendJson(ex, r.status, result);
            }
            return;
        }
        if (pathKnown) sendError(ex, 405, ErrorCode.INVALID_ARGUMENT, method + " is not allowed on " + path);
        else sendError(ex, 404, ErrorCode.NOT_FOUND, "no such endpoint: " + method + " " + path);
    }

    private Api.Info info() {
        ServiceInfo s = service.info();
        // With the E2B server mounted, clients reach terminals and directory watches through its envd routes.
        Capabilities caps = e2b == null ? backend.capabilities()
                : backend.capabilities().with(Operation.TERMINAL).with(Operation.WATCH_DIR);
        return new Api.Info(backend.info(), caps, s.pid(), s.url(), s.version(), s.startedAt());
    }

    /** The backend has no list call: a short-lived watch gives its current inventory (its first Synced). */
    private CompletableFuture<Inventory> inventory() {
        CompletableFuture<Inventory> first = new CompletableFuture<>();
        Subscription sub = backend.watch(e -> {
            if (e instanceof BackendEvent.Synced s) first.complete(s.inventory());
        });
        return first.orTimeout(inventoryTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((inv, err) -> sub.close());
    }

    private static Object await(CompletableFuture<?> future) {
        try {
            return future.join();
        } catch (RuntimeException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof TimeoutException)
                throw new SandtableException(ErrorCode.UNAVAILABLE, "the backend did not answer in time");
            throw SandtableException.of(e);
        }
    }

    private static <T> T body(HttpExchange ex, Class<T> type) throws IOException {
        T value = optionalBody(ex, type);
        if (value == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the request needs a JSON body");
        return value;
    }

    private static <T> T optionalBody(HttpExchange ex, Class<T> type) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) return null;
            return Json.mapper().readValue(bytes, type);
        } catch (JacksonException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String optionalName(HttpExchange ex) throws IOException {
        Api.NameBody b = optionalBody(ex, Api.NameBody.class);
        return b == null || b.name() == null || b.name().isBlank() ? null : b.name();
    }

    /** {@code ?maxBytes=N}, 1 to {@link Api#LOGS_MAX_BYTES}; absent means {@link Api#LOGS_DEFAULT_BYTES}. */
    private static int maxBytes(HttpExchange ex) {
        String query = ex.getRequestURI().getRawQuery();
        if (query == null) return Api.LOGS_DEFAULT_BYTES;
        for (String pair : query.split("&")) {
            if (!pair.startsWith("maxBytes=")) continue;
            String v = pair.substring("maxBytes=".length());
            try {
                int n = Integer.parseInt(v);
                if (n >= 1 && n <= Api.LOGS_MAX_BYTES) return n;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "maxBytes must be a number from 1 to "
                    + Api.LOGS_MAX_BYTES + ", not '" + URLDecoder.decode(v, StandardCharsets.UTF_8) + "'");
        }
        return Api.LOGS_DEFAULT_BYTES;
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the request body needs '" + field + "'");
        return value;
    }

    static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        dev.sandtable.json.JsonResponses.send(ex, status, body);
    }

    private static void sendError(HttpExchange ex, int status, ErrorCode code, String message) {
        try {
            sendJson(ex, status, new Api.ErrorBody(status, message, code.name()));
        } catch (IOException | RuntimeException e) {
            // the headers went out already (an event stream) or the client is gone: nothing to tell it
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/", -1)) out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
        if (!out.isEmpty() && out.getLast().isEmpty()) out.removeLast();
        return out;
    }

    private void route(String method, String pattern, int status, Action action) {
        routes.add(new Route(method, List.of(pattern.split("/")), status, action));
    }

    @FunctionalInterface
    private interface Action {
        CompletableFuture<?> run(List<String> params, HttpExchange ex) throws IOException;
    }

    private record Route(String method, List<String> pattern, int status, Action action) {
        /** The path parameters when {@code segments} fits the pattern, else null. */
        List<String> match(List<String> segments) {
            if (segments.size() != pattern.size()) return null;
            List<String> params = new ArrayList<>();
            for (int i = 0; i < pattern.size(); i++) {
                if (pattern.get(i).equals("{}")) {
                    if (segments.get(i).isEmpty()) return null;
                    params.add(segments.get(i));
                } else if (!pattern.get(i).equals(segments.get(i))) {
                    return null;
                }
            }
            return params;
        }
    }
}
