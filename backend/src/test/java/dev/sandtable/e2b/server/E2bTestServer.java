package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.json.Json;
import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A Sandtable service on a real local runtime in a temporary folder, and HTTP helpers speaking E2B to it. */
final class E2bTestServer implements AutoCloseable {
    static final LocalRuntimeOptions NONE = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
            .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));

    final LocalService service;
    final LocalRuntime runtime;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    /** Where requests go: the service itself, or a proxy in front of it ({@link #via}); null for the service. */
    private final String base;

    E2bTestServer(Path dir, LocalRuntimeOptions options) {
        RuntimePaths paths = RuntimePaths.under(dir);
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        runtime = (LocalRuntime) service.backend();
        base = null;
    }

    private E2bTestServer(E2bTestServer owner, String base) {
        this.service = owner.service;
        this.runtime = owner.runtime;
        this.base = base;
    }

    /** The same service reached through {@code baseUrl} (a reverse proxy); closing the view leaves the service running. */
    E2bTestServer via(String baseUrl) {
        return new E2bTestServer(this, baseUrl);
    }

    String url() {
        return base != null ? base : service.info().url();
    }

    String apiKey() {
        return service.info().apiKey();
    }

    @Override
    public void close() {
        if (base == null) service.stop();
    }

    // ------------------------------------------------------------ control plane

    record Reply(int status, JsonNode body, java.net.http.HttpHeaders headers) {
    }

    Reply api(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("X-API-KEY", apiKey())
                .timeout(Duration.ofSeconds(60));
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        return send(b.build());
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? null : parseOrText(r.body());
            return new Reply(r.statusCode(), body, r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parseOrText(byte[] b) {
        try {
            return Json.mapper().readTree(b);
        } catch (IOException e) {
            return Json.mapper().getNodeFactory().textNode(new String(b, StandardCharsets.UTF_8));
        }
    }

    /** A sandbox created through POST /v2/sandboxes: its E2B id and envd access token. */
    record Created(String id, String token, JsonNode body) {
    }

    /** The local runtime's id of a sandbox created through E2B. */
    String localId(Created sb) {
        return runtime.inventory().sandboxes().stream().filter(s -> E2bSandbox.e2bId(s.id()).equals(sb.id()))
                .findFirst().orElseThrow().id();
    }

    /** The host folder that is the sandbox's home. */
    java.nio.file.Path workspace(Created sb) {
        return runtime.workspace(localId(sb));
    }

    Created create(String json) {
        Reply r = api("POST", "/v2/sandboxes", json);
        if (r.status() != 201) throw new AssertionError("create failed: " + r);
        return new Created(r.body().get("sandboxID").asText(), r.body().path("envdAccessToken").asText(null), r.body());
    }

    // ------------------------------------------------------------ envd

    HttpRequest.Builder envdRequest(Created sb, String rpcPath) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + rpcPath)).timeout(Duration.ofSeconds(60))
                .header("E2b-Sandbox-Id", sb.id()).header("E2b-Sandbox-Port", "49983")
                .header("Connect-Protocol-Version", "1");
        if (sb.token() != null) b.header("X-Access-Token", sb.token());
        return b;
    }

    Reply unary(Created sb, String rpc, String json) {
        return send(envdRequest(sb, "/" + rpc).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** An open server stream: read its messages one by one. */
    final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> response;

        Stream(HttpResponse<InputStream> response) {
            this.response = response;
        }

        /** The next envelope: its flags and JSON. */
        Message next() {
            try {
                ConnectFraming.Envelope e = ConnectFraming.read(response.body());
                if (e == null) return null;
                return new Message(e.flags(), Json.mapper().readTree(e.payload()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every remaining message up to and including the end-of-stream envelope. */
        List<Message> rest() {
            List<Message> out = new ArrayList<>();
            Message m;
            while ((m = next()) != null) {
                out.add(m);
                if (m.endStream()) break;
            }
            return out;
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    record Message(int flags, JsonNode json) {
        boolean endStream() {
            return (flags & ConnectFraming.FLAG_END_STREAM) != 0;
        }
    }

    Stream stream(Created sb, String rpc, String json, Map<String, String> headers) {
        byte[] envelope = ConnectFraming.envelope(0, json.getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder b = envdRequest(sb, "/" + rpc).header("Content-Type", "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope));
        headers.forEach(b::header);
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new AssertionError("stream answered HTTP " + r.statusCode());
            return new Stream(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Stream stream(Created sb, String rpc, String json) {
        return stream(sb, rpc, json, Map.of());
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String unb64(JsonNode n) {
        return new String(Base64.getDecoder().decode(n.asText()), StandardCharsets.UTF_8);
    }

    static ObjectNode obj() {
        return Json.mapper().createObjectNode();
    }

    /** The process output of a stream's messages (stdout, stderr or pty), concatenated. */
    static String output(List<Message> messages, String kind) {
        StringBuilder sb = new StringBuilder();
        for (Message m : messages) {
            JsonNode d = m.json().path("event").path("data").path(kind);
            if (!d.isMissingNode()) sb.append(unb64(d));
        }
        return sb.toString();
    }
}
