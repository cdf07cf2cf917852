package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A sandbox's {@code execd} (execd-api.yaml), reached at the endpoint the lifecycle server gives for port 44772 with
 * the headers it gives (the access token {@code X-EXECD-ACCESS-TOKEN} when secured). Streams are Server-Sent
 * Events carrying {@code ServerStreamEvent} JSON objects.
 */
public final class ExecdClient {
    public static final int PORT = 44772;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final java.util.concurrent.Executor STREAM_READERS = task -> Thread.ofVirtual().name("execd-stream").start(task);

    private final HttpClient http;
    private final String base;
    private final Map<String, String> headers;
    private volatile Duration ptyConnectedTimeout = ExecdPty.CONNECTED_TIMEOUT;

    public ExecdClient(HttpClient http, URI base, Map<String, String> headers) {
        this.http = http;
        String s = base.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.headers = Map.copyOf(headers);
    }

    /** Test knob: how long {@link #connectPty} waits for the {@code connected} frame. */
    void ptyConnectedTimeout(Duration timeout) {
        this.ptyConnectedTimeout = timeout;
    }

    public String base() {
        return base;
    }

    /** The headers every call carries (the access token where execd is secured). */
    public Map<String, String> headers() {
        return headers;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("User-Agent", "sandtable");
        headers.forEach(b::header);
        return b;
    }

    /** {@code POST /session}: a bash session that keeps its working directory and environment between runs. */
    public CompletableFuture<String> createSession(String cwd) {
        ObjectNode body = OpenSandboxApi.object();
        if (cwd != null) body.put("cwd", cwd);
        return json("POST", "/session", body, "starting a shell session").thenApply(n -> {
            String id = n == null ? null : OpenSandboxMapping.text(n, "session_id");
            if (id == null) throw new CompletionException(new SandtableException(ErrorCode.INTERNAL, "execd at " + base + " returned no session_id"));
            return id;
        });
    }

    /** {@code DELETE /session/{id}}. */
    public CompletableFuture<Void> deleteSession(String id) {
        return json("DELETE", "/session/" + OpenSandboxApi.enc(id), null, "ending the shell session").thenApply(n -> null);
    }

    /**
     * {@code POST /session/{id}/run}: runs a command in the session and hands every event to {@code onEvent} (on the
     * HTTP client's thread) until the stream ends; the future completes then.
     */
    public CompletableFuture<Void> runInSession(String id, String command, Consumer<JsonNode> onEvent) {
        return stream("/session/" + OpenSandboxApi.enc(id) + "/run", OpenSandboxApi.object().put("command", command), onEvent);
    }

    /** {@code POST /command}: a foreground command's events. */
    public CompletableFuture<Void> runCommand(String command, Consumer<JsonNode> onEvent) {
        return stream("/command", OpenSandboxApi.object().put("command", command), onEvent);
    }

    /**
     * {@code POST /pty} (execd's PTY routes, not in execd-api.yaml; see {@link ExecdPty}): a session whose bash starts
     * on the first WebSocket; {@code command} null for an interactive {@code bash}. A 404 means this execd has no PTY.
     */
    public CompletableFuture<String> createPty(String cwd, String command) {
        ObjectNode body = OpenSandboxApi.object();
        if (cwd != null) body.put("cwd", cwd);
        if (command != null) body.put("command", command);
        return json("POST", "/pty", body, "starting a PTY session").thenApply(n -> {
            String id = n == null ? null : OpenSandboxMapping.text(n, "session_id");
            if (id == null) throw new CompletionException(new SandtableException(ErrorCode.INTERNAL, "execd at " + base + " returned no PTY session_id"));
            return id;
        });
    }

    /** What {@code GET /pty/{id}} reports: whether bash runs and how many output bytes it has written (for {@code since}). */
    public record PtyStatus(String sessionId, boolean running, long outputOffset) {
    }

    /** {@code GET /pty/{id}}. */
    public CompletableFuture<PtyStatus> ptyStatus(String id) {
        return json("GET", "/pty/" + OpenSandboxApi.enc(id), null, "reading the PTY session's status").thenApply(n -> {
            if (n == null || !n.path("running").isBoolean())
                throw new CompletionException(new SandtableException(ErrorCode.INTERNAL, "execd at " + base + " answered the PTY status without 'running'"));
            return new PtyStatus(n.path("session_id").asText(id), n.path("running").asBoolean(), n.path("output_offset").asLong(0));
        });
    }

    /** {@code DELETE /pty/{id}}: ends bash and the session. */
    public CompletableFuture<Void> deletePty(String id) {
        return json("DELETE", "/pty/" + OpenSandboxApi.enc(id), null, "ending the PTY session").thenApply(n -> null);
    }

    /**
     * {@code GET /pty/{id}/ws}: attaches to the session (starting its bash); completes once execd has sent its
     * {@code connected} frame. See {@link ExecdPty} for the frames and the failures.
     */
    public CompletableFuture<ExecdPty> connectPty(String id, ExecdPty.Options options, ExecdPty.Listener listener) {
        String ws = base.replaceFirst("^http", "ws") + "/pty/" + OpenSandboxApi.enc(id) + "/ws" + options.query();
        return ExecdPty.connect(http, URI.create(ws), headers, id, listener, ptyConnectedTimeout);
    }

    /** {@code GET /directories/list?path=}: the directory's entries as execd describes them. */
    public CompletableFuture<JsonNode> listDirectory(String path, int depth) {
        return json("GET", "/directories/list?path=" + OpenSandboxApi.enc(path) + "&depth=" + depth, null, "listing " + path);
    }

    private CompletableFuture<Void> stream(String path, JsonNode body, Consumer<JsonNode> onEvent) {
        HttpRequest req = request(path).header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        // the body is a blocking stream: read it on a thread of its own, never on the client's selector thread
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofLines()).handleAsync((res, failure) -> {
            if (failure != null) throw new CompletionException(unreachable(base, failure));
            if (res.statusCode() / 100 != 2) {
                String text = String.join("\n", res.body().toList());
                throw new CompletionException(status(base, res.statusCode(), text, "running a command"));
            }
            try (Stream<String> lines = res.body()) {
                lines.forEach(line -> {
                    JsonNode event = event(line);
                    if (event != null) onEvent.accept(event);
                });
            }
            return null;
        }, STREAM_READERS);
    }

    /** One SSE line: {@code data: {...}}, or a bare JSON object as some execd versions write; anything else is null. */
    public static JsonNode event(String line) {
        String s = line.startsWith("data:") ? line.substring(5).trim() : line.trim();
        if (!s.startsWith("{")) return null;
        try {
            return OpenSandboxApi.JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }

    private CompletableFuture<JsonNode> json(String method, String path, JsonNode body, String what) {
        HttpRequest.Builder b = request(path).timeout(CALL_TIMEOUT).header("Accept", "application/json");
        if (body != null) b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        else b.method(method, HttpRequest.BodyPublishers.noBody());
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((res, failure) -> {
            if (failure != null) throw new CompletionException(unreachable(base, failure));
            if (res.statusCode() / 100 != 2) throw new CompletionException(status(base, res.statusCode(), res.body(), what));
            try {
                return res.body().isEmpty() ? null : OpenSandboxApi.JSON.readTree(res.body());
            } catch (IOException e) {
                throw new CompletionException(new SandtableException(ErrorCode.INTERNAL, "execd at " + base + " answered " + what + " with something that is not JSON"));
            }
        });
    }

    static SandtableException status(String base, int status, String body, String what) {
        String msg = body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body;
        ErrorCode code = status == 401 || status == 403 ? ErrorCode.UNAUTHORIZED : status == 404 ? ErrorCode.NOT_FOUND
                : status == 400 ? ErrorCode.INVALID_ARGUMENT : status == 501 ? ErrorCode.UNSUPPORTED : ErrorCode.UNAVAILABLE;
        return new SandtableException(code, what + " in the sandbox failed: execd at " + base + " answered HTTP " + status
                + (msg.isBlank() ? "" : ": " + msg));
    }

    static SandtableException unreachable(String base, Throwable failure) {
        Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return new SandtableException(ErrorCode.UNAVAILABLE, "cannot reach the sandbox's execd at " + base + ": "
                + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()), c);
    }
}
