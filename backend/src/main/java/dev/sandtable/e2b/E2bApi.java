package dev.sandtable.e2b;

import dev.sandtable.json.JsonHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The E2B REST control plane (X-API-Key, JSON, errors as {@code {code, message}}), asynchronous. */
final class E2bApi {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final E2bConfig config;
    private final String base;

    E2bApi(HttpClient http, E2bConfig config) {
        this.http = http;
        this.config = config;
        String s = config.apiUrl().toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    record Reply(int status, JsonNode body, HttpResponse<byte[]> raw) {
    }

    /** Sends a request; any status is a reply (callers decide), transport failures fail the future. */
    CompletableFuture<Reply> send(String method, String path, JsonNode body) {
        return JsonHttp.send(http, URI.create(base + path), TIMEOUT, "X-API-Key", config.apiKey(), method, body, this::transportError)
                .thenApply(a -> new Reply(a.status(), a.body(), a.raw()));
    }

    /** Like {@link #send} but any status outside 2xx becomes a SandtableException for {@code what}. */
    CompletableFuture<Reply> call(String method, String path, JsonNode body, String what) {
        return send(method, path, body).thenApply(r -> {
            if (r.status() / 100 != 2) throw new CompletionException(statusError(r, what));
            return r;
        });
    }

    /** Tries the paths in order while the server answers 404 or 405 for an unknown route (older/newer API versions). */
    CompletableFuture<Reply> callFirst(String method, List<String> paths, JsonNode body, String what) {
        CompletableFuture<Reply> f = send(method, paths.getFirst(), body);
        for (String next : paths.subList(1, paths.size())) {
            f = f.thenCompose(r -> isMissingRoute(r) ? send(method, next, body) : CompletableFuture.completedFuture(r));
        }
        return f.thenApply(r -> {
            if (r.status() / 100 != 2) throw new CompletionException(statusError(r, what));
            return r;
        });
    }

    /** A 404/405 that is about the route, not the sandbox: no JSON error naming a sandbox. */
    private static boolean isMissingRoute(Reply r) {
        if (r.status() == 405) return true;
        if (r.status() != 404) return false;
        String msg = r.body() == null ? "" : r.body().path("message").asText("");
        return !msg.toLowerCase(java.util.Locale.ROOT).contains("sandbox");
    }

    /** Every page of {@code GET /v2/sandboxes} (X-Next-Token), running and paused. */
    CompletableFuture<List<JsonNode>> listSandboxes() {
        List<JsonNode> all = new ArrayList<>();
        return page(all, null);
    }

    private CompletableFuture<List<JsonNode>> page(List<JsonNode> acc, String token) {
        String path = "/v2/sandboxes?state=running,paused&limit=100" + (token == null ? "" : "&nextToken=" + enc(token));
        return call("GET", path, null, "listing sandboxes").thenCompose(r -> {
            if (r.body() instanceof ArrayNode arr) arr.forEach(acc::add);
            else throw new CompletionException(new SandtableException(ErrorCode.INTERNAL,
                    config.apiUrl() + " answered GET /v2/sandboxes with something that is not a list: is this an E2B API?"));
            String next = r.raw().headers().firstValue("X-Next-Token").orElse(null);
            if (next == null || next.isBlank() || acc.size() > 100_000) return CompletableFuture.completedFuture(acc);
            return page(acc, next);
        });
    }

    /** Templates, from {@code /v2/templates} or the older {@code /templates}; an API without either lists none. */
    CompletableFuture<List<JsonNode>> listTemplates() {
        return send("GET", "/v2/templates", null)
                .thenCompose(r -> r.status() / 100 == 2 ? CompletableFuture.completedFuture(r) : send("GET", "/templates", null))
                .thenApply(r -> {
                    List<JsonNode> out = new ArrayList<>();
                    if (r.status() / 100 == 2 && r.body() instanceof ArrayNode arr) arr.forEach(out::add);
                    return out;
                });
    }

    SandtableException statusError(Reply r, String what) {
        String msg = r.body() == null ? "" : r.body().path("message").asText("");
        String suffix = msg.isBlank() ? "" : ": " + msg;
        return switch (r.status()) {
            case 401, 403 -> new SandtableException(ErrorCode.UNAUTHORIZED, config.apiUrl() + " refused the API key while "
                    + what + " (HTTP " + r.status() + ")" + suffix + "; check E2B_API_KEY");
            case 404 -> new SandtableException(ErrorCode.NOT_FOUND, what + " failed: not found" + suffix);
            case 409 -> new SandtableException(ErrorCode.INVALID_STATE, what + " failed: conflict" + suffix);
            case 400, 422 -> new SandtableException(ErrorCode.INVALID_ARGUMENT, what + " failed: bad request" + suffix);
            case 429 -> new SandtableException(ErrorCode.UNAVAILABLE, what + " failed: rate limited by " + config.apiUrl() + suffix);
            case 501 -> new SandtableException(ErrorCode.UNSUPPORTED, what + " is not implemented by " + config.apiUrl() + suffix);
            default -> new SandtableException(r.status() >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
                    what + " failed with HTTP " + r.status() + suffix);
        };
    }

    private SandtableException transportError(Throwable failure) {
        Throwable c = failure;
        while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
        if (dev.sandtable.e2b.client.TlsTrust.isUntrusted(c)) return dev.sandtable.e2b.client.TlsTrust.untrusted(config.apiUrl(), c);
        if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException || c.getCause() instanceof ConnectException)
            return new SandtableException(ErrorCode.UNAVAILABLE, "cannot reach the E2B API at " + config.apiUrl()
                    + "; check E2B_API_URL and that the platform is running", c);
        if (c instanceof HttpTimeoutException)
            return new SandtableException(ErrorCode.UNAVAILABLE, "the E2B API at " + config.apiUrl() + " did not answer in time", c);
        return new SandtableException(ErrorCode.UNAVAILABLE, "the connection to the E2B API at " + config.apiUrl() + " failed: "
                + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()), c);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
