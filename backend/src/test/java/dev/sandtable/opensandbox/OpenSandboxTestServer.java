package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sandtable.testing.OpenApiSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenSandbox lifecycle server built from its specification ({@code shared/specs/opensandbox/sandbox-lifecycle.yml},
 * and the pool API of {@code api/pool.py} written down in {@code opensandbox/pool-api.yml}), in memory, on loopback.
 *
 * <p>Every request is checked against the operation's request body schema (a violation is answered 400 and recorded)
 * and every answer against the documented statuses and response schemas (recorded): tests assert
 * {@link #violations()} is empty. The server is asynchronous the way the spec describes: create, pause, resume,
 * delete and snapshot are accepted in a transient state ({@code Pending}, {@code Pausing}, {@code Resuming},
 * {@code Stopping}, {@code Creating}), and each list of sandboxes moves every resource one step on
 * ({@code Pending} → [{@code Allocated}, the Kubernetes providers' non-spec state, when {@link #allocatedStep}] →
 * {@code Running}; {@code Stopping} → {@code Terminated} → gone).
 */
public final class OpenSandboxTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GONE = "";

    private final String apiKey;
    private final OpenApiSpec lifecycle = OpenApiSpec.shared("opensandbox/sandbox-lifecycle.yml");
    private final OpenApiSpec execdSpec = OpenApiSpec.shared("opensandbox/execd-api.yaml");
    private final Map<String, Process> shells = new java.util.concurrent.ConcurrentHashMap<>();
    private final String execdToken = "execd-" + UUID.randomUUID();
    private final OpenApiSpec pools = OpenApiSpec.parse("opensandbox/pool-api.yml", resource("/opensandbox/pool-api.yml"));
    private final Clock clock = Clock.systemUTC();
    private final HttpServer server;
    /** execd's endpoint: Vert.x, for the PTY routes' WebSocket; other execd routes are passed on to {@link #server}. */
    private final io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    private final io.vertx.core.http.HttpServer execdFront;
    private final io.vertx.core.http.HttpClient execdProxy;
    private final ExecdPtyTestRoutes ptyRoutes = new ExecdPtyTestRoutes(this,
            OpenApiSpec.parse("opensandbox/pty-api.yml", resource("/opensandbox/pty-api.yml")));
    /** False: execd has no PTY routes (an older execd): {@code /pty...} answers 404 as gin does for an unknown route. */
    public volatile boolean ptySupported = true;
    /** True: WebSocket upgrades to execd answer 400 as an OpenSandbox server proxy without WebSocket support does. */
    public volatile boolean refuseWebSockets;
    private volatile boolean closing;
    private final List<String> violations = new ArrayList<>();
    private final List<String> requests = new ArrayList<>();
    private final Map<String, Box> sandboxes = new LinkedHashMap<>();
    private final Map<String, Box> snapshots = new LinkedHashMap<>();
    private final Map<String, ObjectNode> poolMap = new LinkedHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Sandboxes pass through {@code Allocated} on their way to {@code Running}, as on Kubernetes. */
    public volatile boolean allocatedStep;
    /** False: {@code /pools} answers 501 as the Docker runtime does. */
    public volatile boolean poolsSupported = true;
    /** execd's {@code ping} cadence on a command stream (execd: at init, then every 3 s). */
    public volatile Duration execdPingInterval = Duration.ofSeconds(3);
    /** True: a wrong or missing execd token is answered 401 as execd does (else it is recorded as a violation and served). */
    public volatile boolean execdRefusesWrongToken;
    /** How long a command stream stays open after the command (execd's graceful-shutdown timeout: 1 s by default). */
    public volatile Duration execdGrace = Duration.ZERO;

    /** One resource: its JSON as the API shows it and the states it will move through, one per list. */
    private static final class Box {
        final ObjectNode json;
        final Deque<String> next = new ArrayDeque<>();
        String pool;
        /** Shown in a list since its last change: only then does it move on, so every state is seen once. */
        boolean listed;

        Box(ObjectNode json) {
            this.json = json;
        }

        String state() {
            return json.path("status").path("state").asText();
        }
    }

    public OpenSandboxTestServer(String apiKey) {
        this.apiKey = apiKey;
        // as execd (Go) does: without TCP_NODELAY every streamed event waits for the client's delayed ACK (~40 ms);
        // read once, when the JDK's first HttpServer is made
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        execdProxy = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setMaxPoolSize(256));
        execdFront = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::execdFront);
        execdFront.listen().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * Makes the next PTY WebSockets send {@code frame} as is right after {@code connected} (a String as a text frame,
     * a byte[] as a binary one; null: nothing): frames execd would not send, for the client's error handling.
     */
    public void ptyInjectFrame(Object frame) {
        ptyRoutes.inject = frame;
    }

    /** Makes the next PTY WebSockets upgrade but never send a frame. */
    public void ptySilent(boolean silent) {
        ptyRoutes.silent = silent;
    }

    private void execdFront(io.vertx.core.http.HttpServerRequest req) {
        java.util.regex.Matcher m = EXECD.matcher(req.path());
        if (!m.matches() || !m.group(2).startsWith("/pty")) {
            proxy(req);
            return;
        }
        String path = m.group(2);
        synchronized (this) {
            requests.add(req.method().name() + " execd " + path);
            if (!sandboxes.containsKey(m.group(1))) violations.add("execd called for an unknown sandbox " + m.group(1));
        }
        if (!execdToken.equals(req.getHeader("X-EXECD-ACCESS-TOKEN")))
            record("execd " + req.method() + " " + path + " without the access token the endpoint's headers gave");
        if (!ptySupported) req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("404 page not found");
        else if (refuseWebSockets && "websocket".equalsIgnoreCase(req.getHeader("Upgrade")))
            req.response().setStatusCode(400).putHeader("Content-Type", "application/json").end("{\"detail\":\"Websocket upgrade is not supported yet\"}");
        else ptyRoutes.handle(req, path);
    }

    /** Passes a request on to the JDK server's execd (bash sessions, commands, directories) and streams its answer back. */
    private void proxy(io.vertx.core.http.HttpServerRequest req) {
        req.pause();
        io.vertx.core.http.RequestOptions o = new io.vertx.core.http.RequestOptions().setMethod(req.method()).setHost("127.0.0.1")
                .setPort(server.getAddress().getPort()).setURI(req.uri());
        req.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) o.addHeader(h.getKey(), h.getValue());
        });
        execdProxy.request(o).compose(out -> out.send(req)).onSuccess(res -> {
            var resp = req.response().setStatusCode(res.statusCode());
            res.headers().forEach(h -> {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) resp.putHeader(h.getKey(), h.getValue());
            });
            if (res.getHeader("Content-Length") == null && res.statusCode() != 204) resp.setChunked(true);
            // a client that goes away mid-stream (the latency probes cancel SSE streams) ends the upstream call too,
            // so the pipe does not write the rest of the stream into a closed response
            resp.closeHandler(v -> {
                if (!resp.ended()) res.request().reset();
            });
            res.pipeTo(resp);
        }).onFailure(e -> {
            if (!closing) record("the test server's execd proxy failed: " + e); // not a request cut off by close()
            req.response().setStatusCode(502).end();
        });
    }

    private static final java.util.Set<String> HOP_BY_HOP = java.util.Set.of("connection", "keep-alive", "transfer-encoding", "upgrade", "host");

    /** The base URL, with the {@code /v1} prefix the spec's server uses. */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** Every request as "METHOD path?query", in order. */
    public synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    /** Adds a sandbox directly (as if another client had made it), already in {@code state}. */
    public synchronized String seedSandbox(String name, String state) {
        Box b = newSandbox(name, "python:3.11", null, List.of("python", "app.py"), 3600);
        setState(b, state, "seeded");
        b.next.clear();
        return b.json.path("id").asText();
    }

    private void handle(HttpExchange ex) throws IOException {
        java.util.regex.Matcher m = EXECD.matcher(ex.getRequestURI().getRawPath());
        if (m.matches()) execd(ex, m.group(1), m.group(2));
        else lifecycle(ex);
    }

    private static final java.util.regex.Pattern EXECD = java.util.regex.Pattern.compile("/sandboxes/([^/]+)/port/" + ExecdClient.PORT + "(/.*)");

    private synchronized void lifecycle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (path.startsWith("/v1/")) path = path.substring(3);
            String method = ex.getRequestMethod();
            String query = ex.getRequestURI().getRawQuery();
            requests.add(method + " " + path + (query == null ? "" : "?" + query));
            OpenApiSpec spec = path.startsWith("/pools") ? pools : lifecycle;
            String template = spec.pathTemplate(path);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (template == null) {
                violations.add("the client called " + method + " " + path + ", which the spec does not define");
                send(ex, spec, method, path, 404, error("NOT_FOUND", "no route " + path));
                return;
            }
            if (!apiKey.equals(ex.getRequestHeaders().getFirst(OpenSandboxApi.KEY_HEADER))) {
                send(ex, spec, method, template, 401, error("UNAUTHORIZED", "missing or wrong OPEN-SANDBOX-API-KEY"));
                return;
            }
            List<String> bad = spec.requestViolations(method, template, ex.getRequestHeaders().getFirst("Content-Type"), body);
            if (!bad.isEmpty()) {
                violations.add("request " + method + " " + path + ": " + bad);
                send(ex, spec, method, template, 400, error("INVALID_REQUEST", String.join("; ", bad)));
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            JsonNode in = body.length == 0 || type == null || !type.startsWith("application/json") ? JSON.createObjectNode() : JSON.readTree(body);
            String[] seg = path.split("/");
            Reply r = spec == pools ? pool(method, template, seg, in) : route(method, template, seg, params(query), in);
            if (r.location != null) ex.getResponseHeaders().set("Location", r.location);
            send(ex, spec, method, template, r.status, r.body);
        } catch (RuntimeException e) {
            violations.add("the test server failed: " + e);
            throw e;
        }
    }

    private record Reply(int status, JsonNode body, String location) {
        Reply(int status, JsonNode body) {
            this(status, body, null);
        }
    }

    private Reply route(String method, String template, String[] seg, Map<String, List<String>> q, JsonNode in) {
        String op = method + " " + template;
        return switch (op) {
            case "GET /sandboxes" -> {
                tick();
                List<String> states = q.getOrDefault("state", List.of());
                sandboxes.values().forEach(b -> b.listed = true);
                yield page(sandboxes.values().stream().filter(b -> states.isEmpty() || states.contains(b.state())).map(b -> (JsonNode) b.json).toList(), q);
            }
            case "POST /sandboxes" -> create(in);
            case "GET /sandboxes/{sandboxId}" -> withSandbox(seg[2], b -> new Reply(200, b.json));
            case "DELETE /sandboxes/{sandboxId}" -> withSandbox(seg[2], b -> {
                if (b.state().equals("Stopping") || b.state().equals("Terminated")) return new Reply(409, error("SANDBOX::ALREADY_STOPPING", "already being deleted"));
                setState(b, "Stopping", "user_delete");
                b.next.add("Terminated");
                b.next.add(GONE);
                return new Reply(204, null);
            });
            case "POST /sandboxes/{sandboxId}/pause" -> withSandbox(seg[2], b -> transition(b, "Running", "Pausing", "Paused"));
            case "POST /sandboxes/{sandboxId}/resume" -> withSandbox(seg[2], b -> transition(b, "Paused", "Resuming", "Running"));
            case "POST /sandboxes/{sandboxId}/renew-expiration" -> withSandbox(seg[2], b -> {
                Instant at = Instant.parse(in.path("expiresAt").asText());
                String cur = b.json.path("expiresAt").asText(null);
                if (!at.isAfter(clock.instant()) || cur != null && !at.isAfter(Instant.parse(cur)))
                    return new Reply(400, error("INVALID_EXPIRATION", "expiresAt must be in the future and after the current expiresAt"));
                b.json.put("expiresAt", at.toString());
                return new Reply(200, JSON.createObjectNode().put("expiresAt", at.toString()));
            });
            case "POST /sandboxes/{sandboxId}/snapshots" -> withSandbox(seg[2], b -> {
                if (!b.state().equals("Running"))
                    return new Reply(409, error("SNAPSHOT::INVALID_SOURCE_STATE", "the sandbox must be Running, is " + b.state()));
                String id = "snap-" + ids.incrementAndGet();
                ObjectNode s = JSON.createObjectNode().put("id", id).put("sandboxId", b.json.path("id").asText());
                if (in.hasNonNull("name")) s.put("name", in.get("name").asText());
                s.set("status", status("Creating", "snapshot_accepted"));
                s.put("createdAt", clock.instant().toString());
                Box snap = new Box(s);
                snap.next.add("Ready");
                snapshots.put(id, snap);
                return new Reply(202, s, "/v1/snapshots/" + id);
            });
            case "GET /snapshots" -> {
                List<String> states = q.getOrDefault("state", List.of());
                String source = q.getOrDefault("sandboxId", List.of()).stream().findFirst().orElse(null);
                snapshots.values().forEach(b -> b.listed = true);
                yield page(snapshots.values().stream().filter(b -> states.isEmpty() || states.contains(b.state()))
                        .filter(b -> source == null || source.equals(b.json.path("sandboxId").asText())).map(b -> (JsonNode) b.json).toList(), q);
            }
            case "GET /sandboxes/{sandboxId}/endpoints/{port}" -> withSandbox(seg[2], b -> {
                ObjectNode e = JSON.createObjectNode().put("endpoint", "127.0.0.1:" + execdFront.actualPort() + "/sandboxes/"
                        + b.json.path("id").asText() + "/port/" + seg[4]);
                e.putObject("headers").put("X-EXECD-ACCESS-TOKEN", execdToken);
                return new Reply(200, e);
            });
            case "GET /snapshots/{snapshotId}" -> withSnapshot(seg[2], b -> new Reply(200, b.json));
            case "DELETE /snapshots/{snapshotId}" -> withSnapshot(seg[2], b -> {
                if (b.state().equals("Creating")) return new Reply(409, error("SNAPSHOT::IN_PROGRESS", "the snapshot is still being created"));
                snapshots.remove(seg[2]);
                return new Reply(204, null);
            });
            default -> new Reply(500, error("NOT_IMPLEMENTED", "the test server does not implement " + op));
        };
    }

    private Reply create(JsonNode in) {
        String pool = in.path("extensions").path("poolRef").asText(null);
        boolean image = in.has("image"), snap = in.has("snapshotId");
        if (pool != null) {
            if (snap) return new Reply(400, error("INVALID_REQUEST", "snapshotId cannot be used with poolRef"));
            if (!poolsSupported || !poolMap.containsKey(pool)) return new Reply(400, error("KUBERNETES::POOL_NOT_FOUND", "no pool " + pool));
        } else {
            if (image == snap) return new Reply(400, error("INVALID_REQUEST", "exactly one of image and snapshotId is required"));
            if (!in.has("resourceLimits")) return new Reply(400, error("INVALID_REQUEST", "resourceLimits is required"));
            if (image && !in.has("entrypoint")) return new Reply(400, error("INVALID_REQUEST", "entrypoint is required with image"));
        }
        List<String> entry = new ArrayList<>();
        in.path("entrypoint").forEach(e -> entry.add(e.asText()));
        String snapshotId = null;
        if (snap) {
            snapshotId = in.get("snapshotId").asText();
            Box s = snapshots.get(snapshotId);
            if (s == null || !s.state().equals("Ready")) return new Reply(409, error("SNAPSHOT::NOT_READY", "no ready snapshot " + snapshotId));
            if (entry.isEmpty()) entry.addAll(List.of("tail", "-f", "/dev/null"));
        }
        if (pool != null && entry.isEmpty()) entry.addAll(List.of("tail", "-f", "/dev/null"));
        Box b = newSandbox(in.path("metadata").path("name").asText(null), image ? in.path("image").path("uri").asText() : null, snapshotId,
                entry, in.path("timeout").isInt() ? in.get("timeout").asInt() : 0);
        in.path("metadata").fields().forEachRemaining(e -> ((ObjectNode) b.json.get("metadata")).put(e.getKey(), e.getValue().asText()));
        b.pool = pool;
        if (allocatedStep) b.next.add("Allocated");
        b.next.add("Running");
        ObjectNode created = b.json.deepCopy();
        created.remove(List.of("image", "snapshotId")); // the create response carries no startup source
        return new Reply(202, created, "/v1/sandboxes/" + b.json.path("id").asText());
    }

    private Box newSandbox(String name, String image, String snapshotId, List<String> entrypoint, int timeoutSeconds) {
        String id = "sbx-" + ids.incrementAndGet();
        ObjectNode j = JSON.createObjectNode().put("id", id);
        if (image != null) j.putObject("image").put("uri", image);
        if (snapshotId != null) j.put("snapshotId", snapshotId);
        j.set("status", status("Pending", "provisioning"));
        ObjectNode meta = j.putObject("metadata");
        if (name != null) meta.put("name", name);
        ArrayNode e = j.putArray("entrypoint");
        entrypoint.forEach(e::add);
        Instant now = clock.instant();
        if (timeoutSeconds > 0) j.put("expiresAt", now.plusSeconds(timeoutSeconds).toString());
        j.put("createdAt", now.toString());
        Box b = new Box(j);
        sandboxes.put(id, b);
        return b;
    }

    private Reply transition(Box b, String from, String via, String to) {
        if (!b.state().equals(from))
            return new Reply(409, error("SANDBOX::INVALID_STATE", "the sandbox is " + b.state() + ", not " + from));
        setState(b, via, via.toLowerCase());
        b.next.clear();
        b.next.add(to);
        return new Reply(202, null);
    }

    /** Every sandbox and snapshot moves one step on; a pool's allocated count follows its live claims. */
    private void tick() {
        for (var it = sandboxes.values().iterator(); it.hasNext(); ) {
            Box b = it.next();
            if (!b.listed) continue;
            String next = b.next.poll();
            if (next == null) continue;
            if (next.equals(GONE)) it.remove();
            else setState(b, next, next.toLowerCase());
        }
        for (Box s : snapshots.values()) {
            String next = s.listed ? s.next.poll() : null;
            if (next != null) {
                s.json.set("status", status(next, "snapshot_" + next.toLowerCase()));
                s.listed = false;
            }
        }
        for (var p : poolMap.entrySet()) poolStatus(p.getValue());
    }

    private void setState(Box b, String state, String reason) {
        b.json.set("status", status(state, reason));
        b.listed = false;
    }

    private ObjectNode status(String state, String reason) {
        return JSON.createObjectNode().put("state", state).put("reason", reason).put("message", "the sandbox is " + state)
                .put("lastTransitionAt", clock.instant().toString());
    }

    private Reply withSandbox(String id, java.util.function.Function<Box, Reply> f) {
        Box b = sandboxes.get(URLDecoder.decode(id, StandardCharsets.UTF_8));
        return b == null ? new Reply(404, error("DOCKER::SANDBOX_NOT_FOUND", "sandbox " + id + " not found")) : f.apply(b);
    }

    private Reply withSnapshot(String id, java.util.function.Function<Box, Reply> f) {
        Box b = snapshots.get(URLDecoder.decode(id, StandardCharsets.UTF_8));
        return b == null ? new Reply(404, error("SNAPSHOT::NOT_FOUND", "snapshot " + id + " not found")) : f.apply(b);
    }

    private Reply page(List<JsonNode> all, Map<String, List<String>> q) {
        int page = Integer.parseInt(q.getOrDefault("page", List.of("1")).getFirst());
        int size = Integer.parseInt(q.getOrDefault("pageSize", List.of("20")).getFirst());
        if (page < 1 || size < 1 || size > 200) return new Reply(400, error("INVALID_REQUEST", "page ≥ 1 and 1 ≤ pageSize ≤ 200"));
        int from = Math.min(all.size(), (page - 1) * size), to = Math.min(all.size(), from + size);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode items = r.putArray("items");
        all.subList(from, to).forEach(items::add);
        int pages = (all.size() + size - 1) / size;
        r.putObject("pagination").put("page", page).put("pageSize", size).put("totalItems", all.size()).put("totalPages", pages)
                .put("hasNextPage", page < pages);
        return new Reply(200, r);
    }

    // ---- execd (execd-api.yaml): bash sessions backed by real local bash processes

    private void execd(HttpExchange ex, String sandbox, String path) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            synchronized (this) {
                requests.add(method + " execd " + path);
                if (!sandboxes.containsKey(sandbox)) violations.add("execd called for an unknown sandbox " + sandbox);
            }
            String template = execdSpec.pathTemplate(path);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (template == null) {
                record("the client called execd " + method + " " + path + ", which execd-api.yaml does not define");
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (!execdToken.equals(ex.getRequestHeaders().getFirst("X-EXECD-ACCESS-TOKEN"))) {
                if (execdRefusesWrongToken) { // as execd's accessTokenMiddleware answers (router.go); the tests expecting it
                    byte[] refusal = "{\"error\":\"Unauthorized: invalid or missing header X-EXECD-ACCESS-TOKEN\"}".getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(401, refusal.length);
                    ex.getResponseBody().write(refusal);
                    return;
                }
                record("execd " + method + " " + path + " without the access token the endpoint's headers gave");
            }
            List<String> bad = execdSpec.requestViolations(method, template, ex.getRequestHeaders().getFirst("Content-Type"), body);
            if (!bad.isEmpty()) record("execd request " + method + " " + path + ": " + bad);
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            JsonNode in = body.length == 0 || type == null || !type.startsWith("application/json") ? JSON.createObjectNode() : JSON.readTree(body);
            String[] seg = path.split("/");
            switch (method + " " + template) {
                case "POST /session" -> {
                    String id = "session-" + ids.incrementAndGet();
                    ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile").redirectErrorStream(true);
                    if (in.hasNonNull("cwd")) pb.directory(new java.io.File(in.get("cwd").asText()));
                    shells.put(id, pb.start());
                    execdJson(ex, method, template, 200, JSON.createObjectNode().put("session_id", id));
                }
                case "DELETE /session/{sessionId}" -> {
                    Process p = shells.remove(seg[2]);
                    if (p == null) {
                        execdJson(ex, method, template, 404, JSON.createObjectNode().put("code", "NOT_FOUND").put("message", "no session " + seg[2]));
                        return;
                    }
                    p.destroyForcibly();
                    execdJson(ex, method, template, 200, null);
                }
                case "GET /directories/list" -> listDirectory(ex, method, template, params(ex.getRequestURI().getRawQuery()));
                case "POST /command" -> command(ex, method, template, in);
                case "POST /files/upload" -> upload(ex, method, template, ex.getRequestHeaders().getFirst("Content-Type"), body);
                case "GET /ping" -> execdJson(ex, method, template, 200, null);
                case "POST /session/{sessionId}/run" -> run(ex, method, template, shells.get(seg[2]), in.path("command").asText());
                default -> execdJson(ex, method, template, 500, JSON.createObjectNode().put("code", "NOT_IMPLEMENTED").put("message", template));
            }
        }
    }

    /** The real local directory's entries as execd's FileInfo (path, type, size, times, owner, group, octal mode). */
    private void listDirectory(HttpExchange ex, String method, String template, Map<String, List<String>> q) throws IOException {
        java.nio.file.Path root = java.nio.file.Path.of(q.getOrDefault("path", List.of("/")).getFirst());
        int depth = Integer.parseInt(q.getOrDefault("depth", List.of("1")).getFirst());
        if (!java.nio.file.Files.isDirectory(root)) {
            execdJson(ex, method, template, 404, JSON.createObjectNode().put("code", "NOT_FOUND").put("message", root + " is not a directory"));
            return;
        }
        ArrayNode out = JSON.createArrayNode();
        try (var walk = java.nio.file.Files.walk(root, Math.max(1, depth))) {
            for (java.nio.file.Path p : walk.sorted().toList()) {
                if (p.equals(root)) continue;
                try {
                    var a = java.nio.file.Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    int mode = 0;
                    for (var perm : a.permissions()) mode |= 1 << (8 - perm.ordinal());
                    out.addObject().put("path", p.toString()).put("type", a.isDirectory() ? "directory" : a.isRegularFile() ? "file" : a.isSymbolicLink() ? "symlink" : "other")
                            .put("size", a.size()).put("modified_at", a.lastModifiedTime().toInstant().toString())
                            .put("created_at", a.creationTime().toInstant().toString()).put("owner", a.owner().getName())
                            .put("group", a.group().getName()).put("mode", Integer.parseInt(Integer.toOctalString(mode)));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed while listing
                }
            }
        }
        execdJson(ex, method, template, 200, out);
    }

    /**
     * A command ({@code bash -c}) as execd runs it: SSE with execd's headers ({@code X-Accel-Buffering: no}), {@code init},
     * the output lines as {@code stdout} events as they are printed (foreground), {@code execution_complete} (or
     * {@code error} for a non-zero exit, as after the {@code timeout} kill), a {@code ping} every
     * {@link #execdPingInterval}, and the stream held {@link #execdGrace} longer. A background command's output is
     * discarded and its {@code execution_complete} follows {@code init} at once. A client that goes away kills the command.
     */
    private void command(HttpExchange ex, String method, String template, JsonNode in) throws IOException {
        List<String> v = execdSpec.violations(method, template, 200, "text/event-stream", null);
        if (!v.isEmpty()) record("execd response: " + v);
        long t0 = System.currentTimeMillis();
        boolean background = in.path("background").asBoolean(false);
        long timeoutMs = in.path("timeout").asLong(0);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", in.path("command").asText()).redirectErrorStream(true);
        if (background) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (timeoutMs > 0) Thread.ofVirtual().start(() -> {
            try {
                if (!p.waitFor(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS)) p.destroyForcibly();
            } catch (InterruptedException ignored) {
                // the server is closing
            }
        });
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Accel-Buffering", "no");
        ex.sendResponseHeaders(200, 0);
        var out = ex.getResponseBody();
        Thread pinger = null;
        try {
            sse(out, JSON.createObjectNode().put("type", "init").put("text", "cmd-" + p.pid()).put("timestamp", t0));
            pinger = Thread.ofVirtual().start(() -> {
                try {
                    while (true) { // at init, then every interval, as execd's wait.Until does
                        sse(out, JSON.createObjectNode().put("type", "ping").put("text", "pong").put("timestamp", System.currentTimeMillis()));
                        Thread.sleep(execdPingInterval);
                    }
                } catch (InterruptedException | IOException e) {
                    if (e instanceof IOException) p.destroyForcibly(); // the client went away
                }
            });
            int code = 0;
            if (!background) {
                try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; )
                        sse(out, JSON.createObjectNode().put("type", "stdout").put("text", line + "\n").put("timestamp", System.currentTimeMillis()));
                }
                code = p.waitFor();
            }
            long now = System.currentTimeMillis();
            if (code == 0) sse(out, JSON.createObjectNode().put("type", "execution_complete").put("execution_time", now - t0).put("timestamp", now));
            else {
                ObjectNode err = JSON.createObjectNode().put("type", "error").put("timestamp", now);
                err.putObject("error").put("ename", "CommandExecError").put("evalue", String.valueOf(code)).putArray("traceback").add("exit status " + code);
                sse(out, err);
            }
            Thread.sleep(execdGrace);
        } catch (IOException e) {
            p.destroyForcibly(); // the client went away, as execd's request context ends
        } catch (InterruptedException e) {
            p.destroyForcibly();
        } finally {
            if (pinger != null) pinger.interrupt();
        }
    }

    /** {@code POST /files/upload}: pairs of a {@code metadata} part (FileMetadata JSON, {@code path}) and a {@code file} part. */
    private void upload(HttpExchange ex, String method, String template, String contentType, byte[] body) throws IOException {
        String boundary = contentType == null ? null : java.util.Arrays.stream(contentType.split(";")).map(String::trim)
                .filter(x -> x.startsWith("boundary=")).map(x -> x.substring(9).replace("\"", "")).findFirst().orElse(null);
        if (boundary == null) {
            record("execd POST /files/upload without a multipart boundary");
            execdJson(ex, method, template, 400, JSON.createObjectNode().put("code", "INVALID_REQUEST").put("message", "not multipart"));
            return;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String path = null;
        byte[] file = null;
        for (String part : text.split("--" + java.util.regex.Pattern.quote(boundary))) {
            int split = part.indexOf("\r\n\r\n");
            if (split < 0) continue;
            String head = part.substring(0, split);
            String content = part.substring(split + 4);
            if (content.endsWith("\r\n")) content = content.substring(0, content.length() - 2);
            if (head.contains("name=\"metadata\"")) {
                if (!head.contains("filename=")) record("execd POST /files/upload: the metadata part has no filename (execd reads it as a form file)");
                path = JSON.readTree(content.getBytes(StandardCharsets.ISO_8859_1)).path("path").asText(null);
            } else if (head.contains("name=\"file\"")) file = content.getBytes(StandardCharsets.ISO_8859_1);
        }
        if (path == null || file == null) {
            record("execd POST /files/upload without a metadata part with a path and a file part");
            execdJson(ex, method, template, 400, JSON.createObjectNode().put("code", "INVALID_FILE_METADATA").put("message", "metadata or file is missing"));
            return;
        }
        java.nio.file.Path target = java.nio.file.Path.of(path);
        if (target.getParent() != null) java.nio.file.Files.createDirectories(target.getParent());
        java.nio.file.Files.write(target, file);
        execdJson(ex, method, template, 200, null);
    }

    /** Writes the command to the session's bash with an end marker, and streams its output lines as SSE events. */
    private void run(HttpExchange ex, String method, String template, Process shell, String command) throws IOException {
        if (shell == null) {
            execdJson(ex, method, template, 400, JSON.createObjectNode().put("code", "NOT_FOUND").put("message", "no such session"));
            return;
        }
        List<String> v = execdSpec.violations(method, template, 200, "text/event-stream", null);
        if (!v.isEmpty()) record("execd response: " + v);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        var out = ex.getResponseBody();
        long t0 = System.currentTimeMillis();
        String marker = "__sandtable_end_" + ids.incrementAndGet() + "__";
        synchronized (shell) {
            var stdin = shell.getOutputStream();
            stdin.write((command + "\necho " + marker + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            sse(out, JSON.createObjectNode().put("type", "init").put("text", command).put("timestamp", t0));
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                boolean last = line.endsWith(marker); // output without a final newline runs into the marker
                String text = last ? line.substring(0, line.length() - marker.length()) : line + "\n";
                if (!text.isEmpty()) sse(out, JSON.createObjectNode().put("type", "stdout").put("text", text).put("timestamp", System.currentTimeMillis()));
                if (last) break;
            }
        }
        long now = System.currentTimeMillis();
        sse(out, JSON.createObjectNode().put("type", "execution_complete").put("execution_time", now - t0).put("timestamp", now));
    }

    private void sse(java.io.OutputStream out, ObjectNode event) throws IOException {
        List<String> v = execdSpec.validate(execdSpec.schema("ServerStreamEvent"), event);
        if (!v.isEmpty()) record("execd event " + event + ": " + v);
        synchronized (out) { // a command's pings and output come from two threads
            out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private void execdJson(HttpExchange ex, String method, String template, int status, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        List<String> v = execdSpec.violations(method, template, status, body == null ? null : "application/json", bytes);
        if (!v.isEmpty()) record("execd response " + method + " " + template + " " + status + ": " + v);
        if (body != null) ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    synchronized void record(String violation) {
        violations.add(violation);
    }

    // ---- pools (api/pool.py)

    private Reply pool(String method, String template, String[] seg, JsonNode in) {
        if (!poolsSupported) return new Reply(501, error("KUBERNETES::POOL_NOT_SUPPORTED", "pools need the Kubernetes runtime"));
        String op = method + " " + template;
        return switch (op) {
            case "GET /pools" -> {
                ObjectNode r = JSON.createObjectNode();
                ArrayNode items = r.putArray("items");
                poolMap.values().forEach(p -> items.add(poolStatus(p)));
                yield new Reply(200, r);
            }
            case "POST /pools" -> {
                String name = in.path("name").asText();
                if (poolMap.containsKey(name)) yield new Reply(409, error("KUBERNETES::POOL_ALREADY_EXISTS", "pool " + name + " exists"));
                ObjectNode p = JSON.createObjectNode().put("name", name);
                p.set("capacitySpec", in.get("capacitySpec"));
                p.put("createdAt", clock.instant().toString());
                poolMap.put(name, p);
                yield new Reply(201, poolStatus(p));
            }
            case "GET /pools/{name}", "PUT /pools/{name}", "DELETE /pools/{name}" -> {
                ObjectNode p = poolMap.get(URLDecoder.decode(seg[2], StandardCharsets.UTF_8));
                if (p == null) yield new Reply(404, error("KUBERNETES::POOL_NOT_FOUND", "pool " + seg[2] + " not found"));
                if (method.equals("DELETE")) {
                    poolMap.remove(p.path("name").asText());
                    yield new Reply(204, null);
                }
                if (method.equals("PUT")) p.set("capacitySpec", in.get("capacitySpec"));
                yield new Reply(200, poolStatus(p));
            }
            default -> new Reply(500, error("NOT_IMPLEMENTED", "the test server does not implement " + op));
        };
    }

    /** The controller's view: bufferMin members idle (within poolMax), claims allocated. */
    private ObjectNode poolStatus(ObjectNode p) {
        String name = p.path("name").asText();
        int allocated = (int) sandboxes.values().stream().filter(b -> name.equals(b.pool)).count();
        JsonNode cap = p.path("capacitySpec");
        int available = Math.max(0, Math.min(cap.path("bufferMin").asInt(), cap.path("poolMax").asInt() - allocated));
        p.putObject("status").put("total", allocated + available).put("allocated", allocated).put("available", available).put("revision", "1");
        return p;
    }

    // ---- plumbing

    private void send(HttpExchange ex, OpenApiSpec spec, String method, String template, int status, JsonNode body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        List<String> v = spec.violations(method, template, status, body == null ? null : "application/json", bytes);
        if (!v.isEmpty()) violations.add("response " + method + " " + template + " " + status + ": " + v);
        ex.getResponseHeaders().set("X-Request-ID", UUID.randomUUID().toString());
        if (body != null) ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    private static ObjectNode error(String code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (query == null) return m;
        for (String kv : query.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static String resource(String name) {
        try (InputStream in = OpenSandboxTestServer.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closing = true;
        server.stop(0);
        shells.values().forEach(Process::destroyForcibly);
        ptyRoutes.close();
        vertx.close();
    }
}
