package dev.sandtable.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.e2b.client.ConnectClient;
import dev.sandtable.e2b.client.ConnectStream;
import dev.sandtable.e2b.client.StreamOptions;
import dev.sandtable.json.Json;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/** One endpoint's envd for one sandbox: the calls the probes make, each with the run's deadline. */
final class EnvdSession {
    final String label;
    final ConnectClient client;
    final String user;
    final Duration timeout;

    EnvdSession(String label, ConnectClient client, String user, Duration timeout) {
        this.label = label;
        this.client = client;
        this.user = user;
        this.timeout = timeout;
    }

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    JsonNode unary(String method, JsonNode body) {
        return await(client.unary(method, body, timeout), method);
    }

    /**
     * Opens a stream. {@code serverTimeout} goes to the server as Connect-Timeout-Ms (null: none); this side waits the
     * call timeout longer, so that a server (or a proxy) that holds everything until the deadline is still heard.
     */
    ConnectStream stream(String method, JsonNode body, Duration serverTimeout, int keepaliveSeconds, TrialRecorder r) {
        return stream(method, body, serverTimeout, keepaliveSeconds, r, r);
    }

    ConnectStream stream(String method, JsonNode body, Duration serverTimeout, int keepaliveSeconds, TrialRecorder r,
                         dev.sandtable.e2b.client.StreamListener listener) {
        StreamOptions o = new StreamOptions(serverTimeout, keepaliveSeconds, null, timeout);
        if (serverTimeout != null && r != null) r.clientDeadline(o.clientDeadline().toMillis());
        return client.stream(method, body, o, listener);
    }

    /** Writes a file through envd's {@code POST /files} (multipart, which every envd version takes). */
    void writeFile(String path, String content) {
        prepareWrite(path, content).run();
    }

    /** The write, built and ready: running it only sends (so a timestamp taken just before is the write's instant). */
    Runnable prepareWrite(String path, String content) {
        String boundary = "sandtable-probe-" + Long.toHexString(System.nanoTime());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + path
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(content.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        String q = "/files?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
                + (user == null ? "" : "&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
        byte[] body = b.toByteArray();
        String type = "multipart/form-data; boundary=" + boundary;
        return () -> {
            HttpResponse<byte[]> res = await(client.http("POST", q, type, body, timeout), "POST /files");
            if (res.statusCode() / 100 != 2)
                throw new SandtableException(res.statusCode() == 401 ? ErrorCode.UNAUTHORIZED : ErrorCode.UNAVAILABLE,
                        "writing " + path + " through envd's /files failed with HTTP " + res.statusCode() + ": "
                                + new String(res.body(), StandardCharsets.UTF_8).strip());
        };
    }

    JsonNode selector(String tag) {
        return object().put("tag", tag);
    }

    void sendInput(String tag, String field, String text) {
        ObjectNode body = object();
        body.set("process", selector(tag));
        body.putObject("input").put(field, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        unary("process.Process/SendInput", body);
    }

    /** SIGKILL by tag; a process already gone is fine. */
    void kill(String tag) {
        ObjectNode body = object();
        body.set("process", selector(tag));
        body.put("signal", "SIGNAL_SIGKILL");
        try {
            unary("process.Process/SendSignal", body);
        } catch (SandtableException e) {
            if (e.code() != ErrorCode.NOT_FOUND) throw e;
        }
    }

    /** Waits (polling List, a unary call no proxy holds back) until a process with {@code tag} runs. */
    void awaitTag(String tag) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode p : unary("process.Process/List", object()).path("processes"))
                if (tag.equals(p.path("tag").asText())) return;
            Thread.sleep(5);
        }
        throw new SandtableException(ErrorCode.UNAVAILABLE, "the process tagged " + tag + " did not show up in Process/List within "
                + timeout.toMillis() + " ms");
    }

    static ObjectNode process(String cmd, String... args) {
        ObjectNode p = object().put("cmd", cmd);
        var a = p.putArray("args");
        for (String s : args) a.add(s);
        return p;
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        return CallWait.await(f, timeout, label, what, SandtableException::of);
    }
}
