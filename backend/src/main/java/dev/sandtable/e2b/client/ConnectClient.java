package dev.sandtable.e2b.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A Connect-protocol client with the JSON codec over {@code java.net.http}: unary calls (bare JSON bodies) and
 * server-streaming calls (enveloped frames, the last one flagged end-of-stream). Every failure is a
 * {@link ConnectRpcException} whose message names the endpoint and says what went wrong.
 *
 * <p>The base URL may carry a path prefix ({@code http://proxy/sandbox/<id>/49983}); {@code /<Service>/<Method>}
 * is appended to it.
 */
public final class ConnectClient {
    public static final int DEFAULT_MAX_FRAME = 16 << 20;
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI base;
    private final Map<String, String> headers;
    private final String what;
    private final int maxFrame;

    /**
     * @param base    base URL, with any path prefix
     * @param headers sent on every call (routing, access token, user)
     * @param what    names the peer in error messages, e.g. "envd of sandbox abc123"
     */
    public ConnectClient(HttpClient http, URI base, Map<String, String> headers, String what) {
        this(http, base, headers, what, DEFAULT_MAX_FRAME);
    }

    public ConnectClient(HttpClient http, URI base, Map<String, String> headers, String what, int maxFrame) {
        this.http = http;
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.headers = Map.copyOf(headers);
        this.what = what;
        this.maxFrame = maxFrame;
    }

    public URI base() {
        return base;
    }

    URI url(String method) {
        return URI.create(base + "/" + method);
    }

    private HttpRequest.Builder request(String method, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(method))
                .header("Content-Type", contentType)
                .header("Connect-Protocol-Version", "1")
                .header("User-Agent", "sandtable");
        headers.forEach(b::header);
        return b;
    }

    /** A unary call: {@code method} is {@code "process.Process/SendInput"}; the future never completes on the caller's thread. */
    public CompletableFuture<JsonNode> unary(String method, JsonNode message, Duration timeout) {
        HttpRequest req = request(method, "application/json")
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(message)))
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
                .handle((res, failure) -> {
                    if (failure != null) throw new CompletionException(transportError(method, failure));
                    if (res.statusCode() != 200) throw new CompletionException(httpError(method, res.statusCode(), res.body()));
                    try {
                        return res.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(res.body());
                    } catch (IOException e) {
                        throw new CompletionException(new ConnectRpcException("internal",
                                what + " answered " + method + " with a body that is not JSON: " + describe(e), e));
                    }
                });
    }

    /**
     * Starts a server-streaming call. Messages and the end go to {@code listener} on a reader thread; the returned
     * handle cancels the call. Errors before the first frame (unreachable, refused key) also arrive via onEnd.
     */
    public ConnectStream stream(String method, JsonNode message, StreamOptions options, StreamListener listener) {
        HttpRequest.Builder b = request(method, "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Envelope.message(bytes(message)).encode()));
        if (options.timeout() != null) b.header("Connect-Timeout-Ms", Long.toString(Math.max(1, options.timeout().toMillis())));
        if (options.keepaliveSeconds() > 0) b.header("Keepalive-Ping-Interval", Integer.toString(options.keepaliveSeconds()));
        ConnectStream s = new ConnectStream(this, method, options, listener, new EnvelopeDecoder(maxFrame));
        s.start(http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
        return s;
    }

    String what() {
        return what;
    }

    /** The same peer with more headers on every call (e.g. a per-call deadline). */
    public ConnectClient withHeaders(Map<String, String> more) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(more);
        return new ConnectClient(http, base, all, what, maxFrame);
    }

    /**
     * A plain HTTP request to {@code pathAndQuery} below the base URL with this client's headers (routing, access
     * token): envd's non-RPC endpoints such as {@code POST /files}. Any status is a reply; transport failures are
     * {@link ConnectRpcException}s.
     */
    public CompletableFuture<HttpResponse<byte[]>> http(String method, String pathAndQuery, String contentType, byte[] body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout).header("User-Agent", "sandtable");
        headers.forEach(b::header);
        if (contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((res, failure) -> {
            if (failure != null) throw new CompletionException(transportError(method + " " + pathAndQuery, failure));
            return res;
        });
    }

    static byte[] bytes(JsonNode message) {
        try {
            return JSON.writeValueAsBytes(message == null ? JSON.createObjectNode() : message);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    ConnectRpcException transportError(String method, Throwable failure) {
        Throwable c = failure;
        while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
        if (c instanceof ConnectRpcException ce) return ce;
        if (TlsTrust.isUntrusted(c)) return new ConnectRpcException("unavailable", TlsTrust.untrusted(base, c).getMessage(), c);
        if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException
                || (c instanceof IOException && c.getCause() instanceof ConnectException))
            return new ConnectRpcException("unavailable", "cannot reach " + what + " at " + base
                    + " (" + describe(c) + "); check the URL and that the server is running", c);
        if (c instanceof HttpTimeoutException)
            return new ConnectRpcException("deadline_exceeded", what + " did not answer " + method + " in time", c);
        return new ConnectRpcException("unavailable", "the connection to " + what + " failed during " + method + ": " + describe(c), c);
    }

    ConnectRpcException httpError(String method, int status, byte[] body) {
        String code = null, message = null;
        try {
            JsonNode n = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (n != null && n.path("code").isTextual()) code = n.get("code").asText();
            if (n != null && n.path("message").isTextual()) message = n.get("message").asText();
        } catch (IOException ignored) {
            // not a Connect error body: fall back on the status
        }
        if (code == null) code = ConnectRpcException.codeForStatus(status);
        String text = switch (code) {
            case "unauthenticated" -> what + " refused the credentials (HTTP " + status + "): check the API key or access token";
            case "permission_denied" -> what + " denied " + method + " (HTTP " + status + ")";
            case "unimplemented" -> what + " does not implement " + method + " (HTTP " + status + ")";
            default -> what + " failed " + method + " (HTTP " + status + ", " + code + ")";
        };
        return new ConnectRpcException(code, message == null || message.isBlank() ? text : text + ": " + message);
    }

    /** Reads the end-of-stream payload: {@code {}} is success, {@code {"error":{...}}} the call's error. */
    ConnectRpcException endStreamError(String method, byte[] payload) {
        JsonNode n;
        try {
            n = payload.length == 0 ? JSON.createObjectNode() : JSON.readTree(payload);
        } catch (IOException e) {
            return new ConnectRpcException("internal", what + " ended " + method + " with a malformed end-of-stream frame: "
                    + describe(e), e);
        }
        JsonNode err = n.get("error");
        if (err == null || err.isNull()) return null;
        String code = err.path("code").asText("unknown");
        String message = err.path("message").asText("");
        return new ConnectRpcException(code.toLowerCase(Locale.ROOT), what + ": " + method + " failed (" + code + ")"
                + (message.isBlank() ? "" : ": " + message));
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readNBytes(64 << 10);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
