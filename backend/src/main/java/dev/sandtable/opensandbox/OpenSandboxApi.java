package dev.sandtable.opensandbox;

import dev.sandtable.json.JsonHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * OpenSandbox's lifecycle REST API ({@code OPEN-SANDBOX-API-KEY}, JSON, errors as {@code {code, message}}),
 * asynchronous. Lists follow the API's paging ({@code page}, {@code pageSize} ≤ 200, {@code pagination.hasNextPage}).
 */
final class OpenSandboxApi {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final String KEY_HEADER = "OPEN-SANDBOX-API-KEY";
    /** Items asked for per page (the server allows at most 200). */
    static final int PAGE_SIZE = 100;
    /** Pages followed at most, so a server that always says hasNextPage cannot loop us forever. */
    static final int MAX_PAGES = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final OpenSandboxConfig config;
    private final String base;

    OpenSandboxApi(HttpClient http, OpenSandboxConfig config) {
        this.http = http;
        this.config = config;
        String s = config.apiUrl().toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    record Reply(int status, JsonNode body) {
    }

    /** Sends a request; a status outside 2xx fails the future with a SandtableException about {@code what}. */
    CompletableFuture<Reply> call(String method, String path, JsonNode body, String what) {
        return JsonHttp.send(http, URI.create(base + path), TIMEOUT, KEY_HEADER, config.apiKey(), method, body, this::transportError)
                .thenApply(a -> {
                    Reply r = new Reply(a.status(), a.body());
                    if (r.status() / 100 != 2) throw new CompletionException(statusError(r, what));
                    return r;
                });
    }

    /** Every page of a paged list ({@code /sandboxes}, {@code /snapshots}); {@code query} without page parameters. */
    CompletableFuture<List<JsonNode>> listAll(String path, String query, String what) {
        return page(new ArrayList<>(), path, query, 1, what);
    }

    private CompletableFuture<List<JsonNode>> page(List<JsonNode> acc, String path, String query, int page, String what) {
        String q = (query == null || query.isEmpty() ? "" : query + "&") + "page=" + page + "&pageSize=" + PAGE_SIZE;
        return call("GET", path + "?" + q, null, what).thenCompose(r -> {
            JsonNode items = r.body() == null ? null : r.body().get("items");
            if (items == null || !items.isArray())
                throw new CompletionException(new SandtableException(ErrorCode.INTERNAL, config.apiUrl() + " answered GET " + path
                        + " without an items list: is this an OpenSandbox server?"));
            items.forEach(acc::add);
            boolean more = r.body().path("pagination").path("hasNextPage").asBoolean(false);
            if (!more || items.isEmpty() || page >= MAX_PAGES) return CompletableFuture.completedFuture(acc);
            return page(acc, path, query, page + 1, what);
        });
    }

    SandtableException statusError(Reply r, String what) {
        String code = r.body() == null ? "" : r.body().path("code").asText("");
        String msg = r.body() == null ? "" : r.body().path("message").asText("");
        String suffix = msg.isBlank() ? "" : ": " + msg;
        if (!code.isBlank()) suffix += " (" + code + ")";
        return switch (r.status()) {
            case 401, 403 -> new SandtableException(ErrorCode.UNAUTHORIZED, config.apiUrl() + " refused the API key while "
                    + what + " (HTTP " + r.status() + ")" + suffix + "; check the OpenSandbox API key");
            case 404 -> new SandtableException(ErrorCode.NOT_FOUND, what + " failed: not found" + suffix);
            case 409 -> new SandtableException(ErrorCode.INVALID_STATE, what + " failed: conflict" + suffix);
            case 400, 422 -> new SandtableException(ErrorCode.INVALID_ARGUMENT, what + " failed: bad request" + suffix);
            case 501 -> new SandtableException(ErrorCode.UNSUPPORTED, what + " is not supported by " + config.apiUrl() + suffix);
            default -> new SandtableException(r.status() >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
                    what + " failed with HTTP " + r.status() + suffix);
        };
    }

    private SandtableException transportError(Throwable failure) {
        Throwable c = failure;
        while (c instanceof CompletionException && c.getCause() != null) c = c.getCause();
        if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException || c.getCause() instanceof ConnectException)
            return new SandtableException(ErrorCode.UNAVAILABLE, "cannot reach the OpenSandbox server at " + config.apiUrl()
                    + "; check the URL and that the server is running", c);
        if (c instanceof HttpTimeoutException)
            return new SandtableException(ErrorCode.UNAVAILABLE, "the OpenSandbox server at " + config.apiUrl() + " did not answer in time", c);
        return new SandtableException(ErrorCode.UNAVAILABLE, "the connection to the OpenSandbox server at " + config.apiUrl() + " failed: "
                + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()), c);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

}
