package dev.sandtable.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * One JSON call over java.net.http for the REST clients (E2B's control plane, OpenSandbox's lifecycle API): an API-key
 * header, JSON in and out, and a body that is not JSON read as none. Any status is an answer; a transport failure
 * fails the future with the client's own error.
 */
public final class JsonHttp {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private JsonHttp() {}

    public record Answer(int status, JsonNode body, HttpResponse<byte[]> raw) {
    }

    public static CompletableFuture<Answer> send(HttpClient http, URI uri, Duration timeout, String keyHeader, String key,
                                                 String method, JsonNode body, Function<Throwable, ? extends RuntimeException> transportError) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header(keyHeader, key)
                .header("Accept", "application/json")
                .header("User-Agent", "sandtable");
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((res, failure) -> {
            if (failure != null) throw new CompletionException(transportError.apply(failure));
            JsonNode n = null;
            try {
                if (res.body().length > 0) n = JSON.readTree(res.body());
            } catch (IOException e) {
                n = null;
            }
            return new Answer(res.statusCode(), n, res);
        });
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
