package dev.sandtable.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.e2b.client.TlsTrust;
import dev.sandtable.json.Json;
import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One endpoint's execd for one sandbox: the calls the execd probes make, each with the run's deadline. Streams are
 * read here rather than through {@link ExecdClient} because the probe needs the arrival of the response headers, of
 * every event and of the end, and must be able to cancel a stream.
 */
final class ExecdSession implements AutoCloseable {
    final String label;
    final String base;
    final Duration timeout;
    private final Map<String, String> headers;
    private final HttpClient http;

    ExecdSession(String label, URI base, Map<String, String> headers, Path caCert, Duration timeout) {
        this.label = label;
        String s = base.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        if (caCert != null) b.sslContext(TlsTrust.withExtraCa(caCert));
        this.http = b.build();
    }

    /** The same execd as an {@link ExecdClient}, for the directory watch's polling fallback. */
    ExecdClient client() {
        return new ExecdClient(http, URI.create(base), headers);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("User-Agent", "sandtable-probe");
        headers.forEach(b::header);
        return b;
    }

    /** A stream in flight; {@link #cancel()} closes it (the server sees the client go away). */
    static final class Stream {
        private final CompletableFuture<HttpResponse<InputStream>> response;
        private volatile InputStream body;
        private volatile boolean cancelled;

        Stream(CompletableFuture<HttpResponse<InputStream>> response) {
            this.response = response;
        }

        void cancel() {
            cancelled = true;
            response.cancel(true);
            InputStream in = body;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** {@code POST path} with a JSON body, its SSE events recorded into {@code r} as frames of their {@code type}. */
    Stream stream(String path, ObjectNode body, TrialRecorder r) {
        HttpRequest req = request(path).header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        Stream st = new Stream(http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream()));
        st.response.whenComplete((res, failure) -> {
            if (failure != null) {
                if (!st.cancelled) r.ended(describe(failure).getMessage());
                return;
            }
            st.body = res.body();
            if (st.cancelled) {
                st.cancel();
                return;
            }
            if (res.statusCode() / 100 != 2) {
                r.ended("execd answered " + path + " with HTTP " + res.statusCode() + ": " + readQuietly(res.body()));
                return;
            }
            r.headers();
            Thread.ofVirtual().name("execd-probe-stream").start(() -> read(st, res.body(), r));
        });
        return st;
    }

    private static void read(Stream st, InputStream in, TrialRecorder r) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                JsonNode ev = ExecdClient.event(line);
                if (ev != null) {
                    String type = ev.path("type").asText("unknown");
                    r.frame(type, detail(type, ev));
                }
            }
            r.ended(null);
        } catch (IOException e) {
            if (!st.cancelled) r.ended("the stream was cut: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    static String detail(String type, JsonNode ev) {
        return switch (type) {
            case "init", "stdout", "stderr", "status" -> ev.path("text").asText("");
            case "error" -> ev.path("error").path("ename").asText("") + " " + ev.path("error").path("evalue").asText("");
            case "execution_complete" -> ev.has("execution_time") ? ev.path("execution_time").asText() + " ms" : "";
            default -> "";
        };
    }

    /** {@code POST /command} of {@code command} (foreground), waiting for its end: setup and cleanup. */
    void run(String command) {
        TrialRecorder quiet = new TrialRecorder(label, StreamKind.START, -2, false, ProbeListener.NONE, System.nanoTime());
        Stream st = stream("/command", Json.mapper().createObjectNode().put("command", command), quiet);
        try {
            if (!quiet.awaitEnd(System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(2)))
                throw new SandtableException(ErrorCode.UNAVAILABLE, label + ": execd's POST /command (" + command + ") did not end within "
                        + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the probe was interrupted");
        } finally {
            st.cancel();
        }
        String err = quiet.error();
        if (err != null) throw new SandtableException(ErrorCode.UNAVAILABLE, label + ": " + err);
    }

    /**
     * A file upload through execd's {@code POST /files/upload} (a {@code metadata} part with the path, then the
     * {@code file} part), built and ready: running it only sends.
     */
    Runnable prepareUpload(String path, String content) {
        String boundary = "sandtable-probe-" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String meta = Json.mapper().createObjectNode().put("path", path).toString();
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"; filename=\"metadata\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + meta + "\r\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName(path)
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(content.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = request("/files/upload").timeout(timeout).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.toByteArray())).build();
        return () -> {
            HttpResponse<String> res = await(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()), "POST /files/upload");
            if (res.statusCode() / 100 != 2)
                throw new SandtableException(res.statusCode() == 401 || res.statusCode() == 403 ? ErrorCode.UNAUTHORIZED : ErrorCode.UNAVAILABLE,
                        "uploading " + path + " through execd's /files/upload failed with HTTP " + res.statusCode() + ": " + res.body().strip());
        };
    }

    private static String fileName(String path) {
        int i = path.lastIndexOf('/');
        return i < 0 ? path : path.substring(i + 1);
    }

    /** {@code GET /ping}: reachable, token accepted. */
    void ping() {
        HttpRequest req = request("/ping").timeout(timeout).GET().build();
        HttpResponse<String> res = await(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()), "GET /ping");
        if (res.statusCode() == 401 || res.statusCode() == 403)
            throw new SandtableException(ErrorCode.UNAUTHORIZED, label + ": execd at " + base + " refused the access token (HTTP "
                    + res.statusCode() + "); check the X-EXECD-ACCESS-TOKEN the endpoint gives (or --execd-token)");
        if (res.statusCode() / 100 != 2)
            throw new SandtableException(ErrorCode.UNAVAILABLE, label + ": execd at " + base + " answered GET /ping with HTTP " + res.statusCode());
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        return CallWait.await(f, timeout, label, what, this::describe);
    }

    private SandtableException describe(Throwable failure) {
        Throwable c = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (TlsTrust.isUntrusted(c)) return TlsTrust.untrusted(URI.create(base), c);
        if (c instanceof SandtableException s) return s;
        return new SandtableException(ErrorCode.UNAVAILABLE, "cannot reach execd at " + base + ": "
                + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()), c);
    }

    private static String readQuietly(InputStream in) {
        try (in) {
            String s = new String(in.readNBytes(300), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "(no body)" : s;
        } catch (IOException e) {
            return "(unreadable body)";
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
