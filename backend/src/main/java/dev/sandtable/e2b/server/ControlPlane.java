package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sandtable.json.Json;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Template;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * E2B's REST control plane (openapi.yml) on the local runtime: create (v1 and v2), list (v1 and v2), get, kill, pause,
 * resume, connect (v1 and v2), timeout, refreshes and logs (v1 and v2). Errors are E2B's {@code {"code": <http status>, "message"}}.
 */
final class ControlPlane {
    static final String CLIENT_ID = "sandtable";
    static final int DEFAULT_TIMEOUT_SECONDS = 300;
    /** E2B's default template; here it means the host shell unless a template of that name exists. */
    static final String E2B_BASE_TEMPLATE = "base";
    private static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");
    /** How much of the end of a sandbox's log the logs endpoints look at. */
    static final int LOG_WINDOW_BYTES = 4 * 1024 * 1024;

    private final LocalRuntime runtime;
    private final E2bSandboxes sandboxes;
    private final String domain;

    ControlPlane(LocalRuntime runtime, E2bSandboxes sandboxes, String domain) {
        this.runtime = runtime;
        this.sandboxes = sandboxes;
        this.domain = domain;
    }

    /** True when {@code path} is a control-plane path (the API key has been checked by the caller). */
    static boolean isControlPlane(String path) {
        return path.equals("/sandboxes") || path.startsWith("/sandboxes/") || path.equals("/v2/sandboxes")
                || path.startsWith("/v2/sandboxes/");
    }

    void handle(HttpExchange ex, String method, String path) throws IOException {
        try {
            route(ex, method, path);
        } catch (SandtableException e) {
            int status = switch (e.code()) {
                case INVALID_STATE -> 409;
                default -> e.code().httpStatus();
            };
            sendError(ex, status, e.getMessage());
        }
    }

    private void route(HttpExchange ex, String method, String path) throws IOException {
        List<String> seg = List.of(path.substring(1).split("/"));
        boolean v2 = seg.getFirst().equals("v2");
        List<String> s = v2 ? seg.subList(1, seg.size()) : seg;
        if (s.size() == 1) {
            if (method.equals("POST")) create(ex, v2);
            else if (method.equals("GET")) list(ex, v2);
            else sendError(ex, 405, method + " is not allowed on " + path);
            return;
        }
        String id = s.get(1);
        if (s.size() == 2) {
            if (method.equals("GET") && !v2) sendJson(ex, 200, detail(existing(id)));
            else if (method.equals("DELETE") && !v2) kill(ex, id);
            else sendError(ex, 405, method + " is not allowed on " + path);
            return;
        }
        if (s.size() == 3 && s.get(2).equals("logs")) {
            if (method.equals("GET")) logs(ex, id, v2);
            else sendError(ex, 405, method + " is not allowed on " + path);
            return;
        }
        if (s.size() != 3 || !method.equals("POST")) {
            sendError(ex, 404, "no such endpoint: " + method + " " + path);
            return;
        }
        switch (s.get(2)) {
            case "pause" -> pause(ex, id);
            case "resume" -> connect(ex, id, true);
            case "connect" -> connect(ex, id, false);
            case "timeout" -> timeout(ex, id);
            case "refreshes" -> refresh(ex, id);
            default -> sendError(ex, 404, "no such endpoint: " + method + " " + path);
        }
    }

    // ------------------------------------------------------------ endpoints

    private void create(HttpExchange ex, boolean v2) throws IOException {
        JsonNode body = body(ex);
        String templateRef = text(body, "templateID", E2B_BASE_TEMPLATE);
        Template template = template(templateRef);
        long timeout = body.path("timeout").asLong(DEFAULT_TIMEOUT_SECONDS);
        if (timeout < 0) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "timeout must be 0 or more seconds");
        Map<String, String> metadata = new LinkedHashMap<>();
        body.path("metadata").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
        boolean secure = v2 || body.path("secure").asBoolean(false);
        Map<String, String> envVars = new LinkedHashMap<>();
        body.path("envVars").properties().forEach(e -> envVars.put(e.getKey(), e.getValue().asText()));
        if (envVars.keySet().stream().anyMatch(k -> k.isEmpty() || k.contains("=")))
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "envVars has an invalid variable name");
        Sandbox created = await(runtime.create(new CreateSandboxRequest(null, template.id(), null, metadata)));
        E2bSandbox s = sandboxes.register(created.id(), templateRef, secure);
        s.processes.setGlobalEnv(envVars);
        s.autoPause = body.path("autoPause").asBoolean(false);
        sandboxes.setTimeout(s, Duration.ofSeconds(timeout));
        sendJson(ex, 201, sandbox(s));
    }

    private void list(HttpExchange ex, boolean v2) throws IOException {
        Map<String, List<String>> q = query(ex);
        Set<String> states = new HashSet<>();
        for (String v : q.getOrDefault("state", List.of())) for (String st : v.split(",")) if (!st.isBlank()) states.add(st.trim());
        if (!v2) states = Set.of("running");
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String m : q.getOrDefault("metadata", List.of())) wanted.putAll(parseMetadata(m));
        int limit = 100;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit").getFirst());
            } catch (NumberFormatException e) {
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "limit must be a number");
            }
            if (limit < 1 || limit > 100) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "limit must be between 1 and 100");
        }
        List<Sandbox> matching = new ArrayList<>();
        int running = 0;
        for (Sandbox sb : runtime.inventory().sandboxes()) {
            if (!visible(sb)) continue;
            String state = e2bState(sb.state());
            if (state.equals("running")) running++;
            if (!states.isEmpty() && !states.contains(state)) continue;
            if (!sb.metadata().entrySet().containsAll(wanted.entrySet())) continue;
            matching.add(sb);
        }
        matching.sort(Comparator.comparing(Sandbox::createdAt).reversed().thenComparing(Sandbox::id));
        int from = 0;
        if (q.containsKey("nextToken")) {
            String token = q.get("nextToken").getFirst();
            from = -1;
            for (int i = 0; i < matching.size(); i++) if (E2bSandbox.e2bId(matching.get(i).id()).equals(token)) from = i;
            if (from < 0) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "nextToken '" + token + "' is not valid (any more)");
        }
        int to = Math.min(matching.size(), from + limit);
        ArrayNode out = Json.mapper().createArrayNode();
        for (Sandbox sb : matching.subList(from, to)) out.add(listed(sb));
        if (to < matching.size()) ex.getResponseHeaders().set("X-Next-Token", E2bSandbox.e2bId(matching.get(to).id()));
        ex.getResponseHeaders().set("X-Total-Running", Integer.toString(running));
        sendJson(ex, 200, out);
    }

    /** The sandbox's log (what {@code Backend.logs} gives: its init's output), as E2B's v1 or v2 log entries. */
    private void logs(HttpExchange ex, String id, boolean v2) throws IOException {
        Sandbox sb = existing(id);
        SandboxLogs.Query q = SandboxLogs.Query.parse(query(ex), v2);
        String text = await(runtime.logs(sb.id(), LOG_WINDOW_BYTES));
        List<SandboxLogs.Entry> entries = SandboxLogs.select(SandboxLogs.entries(text, sb.createdAt()), q);
        sendJson(ex, 200, v2 ? SandboxLogs.v2(entries) : SandboxLogs.v1(entries));
    }

    private void kill(HttpExchange ex, String id) throws IOException {
        Sandbox sb = existing(id);
        E2bSandbox s = sandboxes.of(sb);
        sandboxes.stopTimer(s);
        s.processes.killAll();
        await(runtime.destroy(sb.id()));
        sandboxes.forget(sb.id());
        ex.sendResponseHeaders(204, -1);
    }

    private void pause(HttpExchange ex, String id) throws IOException {
        body(ex);
        Sandbox sb = existing(id);
        if (sb.state() == SandboxState.PAUSED) {
            sendError(ex, 409, "sandbox " + id + " is already paused");
            return;
        }
        E2bSandbox s = sandboxes.of(sb);
        await(runtime.pause(sb.id()));
        sandboxes.stopTimer(s);
        ex.sendResponseHeaders(204, -1);
    }

    /** connect (200 when running, 201 when it had to be resumed) and the deprecated resume (409 when running). */
    private void connect(HttpExchange ex, String id, boolean resumeOnly) throws IOException {
        JsonNode body = body(ex);
        Sandbox sb = existing(id);
        E2bSandbox s = sandboxes.of(sb);
        long timeout = body.path("timeout").asLong(DEFAULT_TIMEOUT_SECONDS);
        int status;
        if (sb.state() == SandboxState.PAUSED) {
            await(runtime.resume(sb.id()));
            if (body.has("autoPause")) s.autoPause = body.path("autoPause").asBoolean();
            sandboxes.setTimeout(s, Duration.ofSeconds(timeout));
            status = 201;
        } else if (resumeOnly) {
            sendError(ex, 409, "sandbox " + id + " is already running");
            return;
        } else {
            Instant wanted = Instant.now().plusSeconds(timeout);
            if (s.endAt == null || s.endAt.isBefore(wanted)) sandboxes.setTimeout(s, Duration.ofSeconds(timeout));
            status = 200;
        }
        sendJson(ex, status, sandbox(s));
    }

    private void timeout(HttpExchange ex, String id) throws IOException {
        JsonNode body = body(ex);
        if (!body.path("timeout").canConvertToLong() || body.path("timeout").asLong() < 0)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the body needs 'timeout', in seconds (0 or more)");
        Sandbox sb = existing(id);
        sandboxes.setTimeout(sandboxes.of(sb), Duration.ofSeconds(body.path("timeout").asLong()));
        ex.sendResponseHeaders(204, -1);
    }

    private void refresh(HttpExchange ex, String id) throws IOException {
        JsonNode body = body(ex);
        long duration = body.path("duration").asLong(60);
        if (duration < 0 || duration > 3600)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "duration must be between 0 and 3600 seconds");
        Sandbox sb = existing(id);
        E2bSandbox s = sandboxes.of(sb);
        Instant wanted = Instant.now().plusSeconds(duration);
        if (s.endAt == null || s.endAt.isBefore(wanted)) sandboxes.setTimeout(s, Duration.ofSeconds(duration));
        ex.sendResponseHeaders(204, -1);
    }

    // ------------------------------------------------------------ shapes

    private ObjectNode sandbox(E2bSandbox s) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("templateID", s.templateId);
        n.put("sandboxID", s.e2bId);
        n.put("clientID", CLIENT_ID);
        n.put("envdVersion", Envd.VERSION);
        if (s.accessToken != null) n.put("envdAccessToken", s.accessToken);
        if (domain != null) n.put("domain", domain);
        else n.putNull("domain");
        return n;
    }

    private ObjectNode listed(Sandbox sb) {
        E2bSandbox s = sandboxes.of(sb);
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("templateID", s.templateId);
        n.put("alias", sb.name());
        n.put("sandboxID", s.e2bId);
        n.put("clientID", CLIENT_ID);
        n.put("startedAt", sb.createdAt().toString());
        n.put("endAt", (s.endAt != null ? s.endAt : NEVER).toString());
        n.put("cpuCount", Runtime.getRuntime().availableProcessors());
        n.put("memoryMB", Math.max(1, Runtime.getRuntime().maxMemory() >> 20));
        n.put("diskSizeMB", diskSizeMb());
        ObjectNode meta = n.putObject("metadata");
        sb.metadata().forEach(meta::put);
        n.put("state", e2bState(sb.state()) != null ? e2bState(sb.state()) : "running");
        n.put("envdVersion", Envd.VERSION);
        return n;
    }

    private ObjectNode detail(Sandbox sb) {
        E2bSandbox s = sandboxes.of(sb);
        ObjectNode n = listed(sb);
        if (s.accessToken != null) n.put("envdAccessToken", s.accessToken);
        if (domain != null) n.put("domain", domain);
        return n;
    }

    private long diskSizeMb() {
        try {
            return Math.max(1, java.nio.file.Files.getFileStore(runtime.paths().state()).getTotalSpace() >> 20);
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    /**
     * Whether E2B sees a sandbox: not failed or going away, and not an idle member of a warm pool (paused and waiting
     * to be claimed: resuming it through E2B would take it from the pool behind its back).
     */
    static boolean visible(Sandbox sb) {
        return e2bState(sb.state()) != null && !(sb.poolName() != null && sb.state() == SandboxState.PAUSED);
    }

    /** running / paused, or null for sandboxes E2B does not show (failed, being destroyed). */
    static String e2bState(SandboxState state) {
        return switch (state) {
            case RUNNING, STARTING, RESUMING, SNAPSHOTTING, PENDING -> "running";
            case PAUSED, PAUSING, SUSPENDED -> "paused";
            default -> null;
        };
    }

    // ------------------------------------------------------------ helpers

    private Template template(String ref) {
        List<Template> all = runtime.inventory().templates();
        for (Template t : all) if (t.id().equals(ref) || t.name().equals(ref)) return t;
        if (ref.equals(E2B_BASE_TEMPLATE))
            for (Template t : all) if (t.id().equals(LocalRuntime.HOST_SHELL)) return t;
        throw new SandtableException(ErrorCode.NOT_FOUND, "template '" + ref + "' not found; available: "
                + String.join(", ", all.stream().map(Template::name).toList()));
    }

    private Sandbox existing(String id) {
        Optional<Sandbox> sb = sandboxes.find(id).filter(ControlPlane::visible);
        return sb.orElseThrow(() -> new SandtableException(ErrorCode.NOT_FOUND, "sandbox " + id + " not found"));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw SandtableException.of(e);
        }
    }

    private static String text(JsonNode body, String field, String dflt) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() || n.asText().isBlank() ? dflt : n.asText();
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) return Json.mapper().createObjectNode();
            JsonNode n = Json.mapper().readTree(bytes);
            if (n == null || !n.isObject()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the body must be a JSON object");
            return n;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static Map<String, List<String>> query(HttpExchange ex) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** E2B's metadata filter: a URL-encoded {@code k=v&k2=v2} string (already decoded once as a query value). */
    static Map<String, String> parseMetadata(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        dev.sandtable.json.JsonResponses.send(ex, status, body);
    }

    /** E2B's Error: {@code {"code": <int>, "message"}}; the SDK looks at the numeric code (404, 409). */
    static void sendError(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("code", status);
        n.put("message", message);
        sendJson(ex, status, n);
    }
}
