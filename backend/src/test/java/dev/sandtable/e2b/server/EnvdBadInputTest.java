package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to envd: each answer is the Connect (or HTTP) error a Connect client expects, and afterwards the server
 * still serves, the sandbox and its long-running process are still there, and no request handler is left running.
 */
class EnvdBadInputTest {
    @TempDir
    static Path dir;
    static E2bTestServer server;
    static E2bTestServer.Created sb;
    static long sleeper;

    @BeforeAll
    static void start() {
        server = new E2bTestServer(dir, E2bTestServer.NONE);
        sb = server.create("{\"templateID\":\"base\"}");
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"sleep\",\"args\":[\"300\"]},\"tag\":\"sleeper\",\"stdin\":false}",
                // a handler notices a client that left at its next write: here within a second
                Map.of("Keepalive-Ping-Interval", "1"))) {
            sleeper = s.next().json().path("event").path("start").path("pid").asLong();
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The server still answers, nothing was lost, and no envd handler is left behind. */
    @AfterEach
    void nothingIsLost() {
        awaitTrue(() -> activeCalls() == 0, "every envd handler to finish");
        var list = server.unary(sb, "process.Process/List", "{}");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("processes").findValuesAsText("pid")).contains(String.valueOf(sleeper));
        var sandboxes = server.api("GET", "/sandboxes", null);
        assertThat(sandboxes.body().findValuesAsText("sandboxID")).contains(sb.id());
    }

    static int activeCalls() {
        return server.service.e2b().orElseThrow().activeEnvdCalls();
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A streaming call whose body is {@code body} as given (no envelope added): the end-stream error's code. */
    static String streamErrorCode(String rpc, byte[] body) throws IOException {
        HttpRequest r = server.envdRequest(sb, "/" + rpc).header("Content-Type", "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<InputStream> resp = server.http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(resp.statusCode()).as("stream errors travel in the end-stream envelope with HTTP 200").isEqualTo(200);
            try (InputStream in = resp.body()) {
                ConnectFraming.Envelope end = ConnectFraming.read(in);
                assertThat(end.endStream()).isTrue();
                assertThat(ConnectFraming.read(in)).as("nothing after the end").isNull();
                JsonNode error = Json.mapper().readTree(end.payload()).path("error");
                assertThat(error.path("message").asText()).isNotBlank();
                return error.path("code").asText();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static byte[] watchRequest() {
        return ConnectFraming.envelope(0, ("{\"path\":\"/\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void unknownFlagBitsAreInvalidArgument() throws IOException {
        byte[] e = watchRequest();
        e[0] = (byte) 0x84;
        assertThat(streamErrorCode("filesystem.Filesystem/WatchDir", e)).isEqualTo("invalid_argument");
    }

    @Test
    void anEndStreamFlagOnTheRequestIsInvalidArgument() throws IOException {
        byte[] e = watchRequest();
        e[0] = ConnectFraming.FLAG_END_STREAM;
        assertThat(streamErrorCode("filesystem.Filesystem/WatchDir", e)).isEqualTo("invalid_argument");
    }

    @Test
    void aTruncatedLengthOrPayloadIsInvalidArgument() throws IOException {
        assertThat(streamErrorCode("process.Process/Start", new byte[]{0, 0, 0})).isEqualTo("invalid_argument");
        byte[] e = watchRequest();
        assertThat(streamErrorCode("filesystem.Filesystem/WatchDir", java.util.Arrays.copyOf(e, e.length - 3))).isEqualTo("invalid_argument");
        assertThat(streamErrorCode("process.Process/Start", new byte[0])).isEqualTo("invalid_argument");
    }

    @Test
    void anOversizedFrameIsResourceExhaustedWithoutBeingRead() throws IOException {
        int over = ConnectFraming.MAX_REQUEST_MESSAGE + 1;
        byte[] header = {0, (byte) (over >>> 24), (byte) (over >>> 16), (byte) (over >>> 8), (byte) over, '{', '}'};
        assertThat(streamErrorCode("process.Process/Start", header)).isEqualTo("resource_exhausted");
    }

    @Test
    void anOversizedUnaryBodyIsResourceExhausted() {
        byte[] big = new byte[ConnectFraming.MAX_REQUEST_MESSAGE + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        var r = server.send(server.envdRequest(sb, "/filesystem.Filesystem/Stat").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.body().path("code").asText()).isEqualTo("resource_exhausted");
    }

    @Test
    void badJsonIsInvalidArgumentForUnaryAndStreamingCalls() throws IOException {
        var r = server.unary(sb, "filesystem.Filesystem/Stat", "{\"path\":");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("code").asText()).isEqualTo("invalid_argument");
        assertThat(server.unary(sb, "filesystem.Filesystem/Stat", "[1,2]").body().path("code").asText()).isEqualTo("invalid_argument");
        byte[] notJson = ConnectFraming.envelope(0, "{nope".getBytes(StandardCharsets.UTF_8));
        assertThat(streamErrorCode("process.Process/Start", notJson)).isEqualTo("invalid_argument");
    }

    @Test
    void anUnknownMethodIsHttp404Unimplemented() throws IOException {
        for (String rpc : List.of("process.Process/Explode", "filesystem.Filesystem/Nope", "process.Process/")) {
            var r = server.unary(sb, rpc, "{}");
            assertThat(r.status()).as(rpc).isEqualTo(404);
            assertThat(r.body().path("code").asText()).isEqualTo("unimplemented");
        }
        var streamed = server.send(server.envdRequest(sb, "/process.Process/Explode").header("Content-Type", "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(watchRequest())).build());
        assertThat(streamed.status()).isEqualTo(404);
    }

    @Test
    void aWrongContentTypeIsHttp415() {
        for (String type : List.of("text/plain", "application/proto", "application/connect+proto", "application/xml")) {
            var r = server.send(server.envdRequest(sb, "/filesystem.Filesystem/Stat").header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/\"}")).build());
            assertThat(r.status()).as(type).isEqualTo(415);
            assertThat(r.headers().firstValue("Accept-Post").orElse("")).contains("application/json");
        }
        var none = server.send(server.envdRequest(sb, "/filesystem.Filesystem/Stat")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/\"}")).build());
        assertThat(none.status()).isEqualTo(415);
        // parameters are allowed
        var charset = server.send(server.envdRequest(sb, "/filesystem.Filesystem/Stat").header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/\"}")).build());
        assertThat(charset.status()).isEqualTo(200);
    }

    @Test
    void anUnknownSandboxIs502LikeAProxyWithNoSandbox() {
        var ghost = new E2bTestServer.Created("iamnotasandbox", null, null);
        var r = server.unary(ghost, "filesystem.Filesystem/Stat", "{\"path\":\"/\"}");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body().path("message").asText()).contains("iamnotasandbox");
        var s = server.send(server.envdRequest(ghost, "/process.Process/Start").header("Content-Type", "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(watchRequest())).build());
        assertThat(s.status()).isEqualTo(502);
    }

    // ------------------------------------------------------------ clients that go away

    /** A raw HTTP/1.1 streaming call on a socket: returns once {@code until} shows in the response, socket open. */
    static Socket rawStream(String rpc, String json, Pattern until, Matcher[] found) throws IOException {
        URI base = URI.create(server.url());
        Socket socket = new Socket(base.getHost(), base.getPort());
        byte[] body = ConnectFraming.envelope(0, json.getBytes(StandardCharsets.UTF_8));
        String head = "POST /" + rpc + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nE2b-Sandbox-Id: " + sb.id() + "\r\nE2b-Sandbox-Port: 49983\r\n"
                + (sb.token() == null ? "" : "X-Access-Token: " + sb.token() + "\r\n")
                + "Content-Type: application/connect+json\r\nConnect-Protocol-Version: 1\r\nKeepalive-Ping-Interval: 1\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) throw new AssertionError("the stream ended before " + until + ": " + seen.toString(StandardCharsets.UTF_8));
            seen.write(buf, 0, n);
            Matcher m = until.matcher(seen.toString(StandardCharsets.ISO_8859_1));
            if (m.find()) {
                found[0] = m;
                return socket;
            }
        }
    }

    @Test
    void aClientLeavingAProcessStreamLeavesTheProcessRunningAndReattachable() throws IOException {
        String ticker = "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"while true; do echo tick; sleep 0.1; done\"]},\"stdin\":false}";
        long pid;
        Matcher[] m = new Matcher[1];
        try (Socket s = rawStream("process.Process/Start", ticker, Pattern.compile("\"pid\":(\\d+)"), m)) {
            pid = Long.parseLong(m[0].group(1));
            assertThat(activeCalls()).isEqualTo(1);
        }
        awaitTrue(() -> activeCalls() == 0, "the Start handler to notice the client left");
        try (var again = server.stream(sb, "process.Process/Connect", "{\"process\":{\"pid\":" + pid + "}}", Map.of("Keepalive-Ping-Interval", "1"))) {
            assertThat(again.next().json().path("event").path("start").path("pid").asLong()).isEqualTo(pid);
            String out = "";
            while (!out.contains("tick")) out += E2bTestServer.output(List.of(again.next()), "stdout");
            var kill = server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":" + pid + "},\"signal\":\"SIGNAL_SIGKILL\"}");
            assertThat(kill.status()).isEqualTo(200);
            List<E2bTestServer.Message> rest = again.rest();
            assertThat(rest.getLast().endStream()).isTrue();
        }
    }

    @Test
    void clientsLeavingWatchesAndConnectsRepeatedlyLeaveNoHandlerBehind() throws IOException {
        for (int i = 0; i < 5; i++) {
            Matcher[] m = new Matcher[1];
            try (Socket w = rawStream("filesystem.Filesystem/WatchDir", "{\"path\":\"/\"}", Pattern.compile("start"), m);
                 Socket c = rawStream("process.Process/Connect", "{\"process\":{\"pid\":" + sleeper + "}}", Pattern.compile("\"pid\":" + sleeper), m)) {
                assertThat(activeCalls()).isBetween(2, 2 * (i + 1));
            }
        }
        awaitTrue(() -> activeCalls() == 0, "every abandoned stream's handler to end");
    }
}
