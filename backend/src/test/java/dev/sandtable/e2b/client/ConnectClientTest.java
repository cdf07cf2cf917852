package dev.sandtable.e2b.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectClientTest {
    private FakeConnectServer server;
    private HttpClient http;
    private ConnectClient client;

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeConnectServer();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        client = new ConnectClient(http, URI.create(server.uri() + "/sandbox/abc/49983"), Map.of("E2b-Sandbox-Id", "abc"), "envd of abc", 1024);
    }

    @AfterEach
    void tearDown() {
        server.close();
        http.close();
    }

    static final class Recorder implements StreamListener {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<ConnectRpcException> end = new CompletableFuture<>();

        @Override
        public void onMessage(JsonNode message) {
            messages.add(message);
        }

        @Override
        public void onEnd(ConnectRpcException error) {
            if (!end.complete(error)) throw new AssertionError("onEnd called twice");
        }

        ConnectRpcException awaitEnd() throws Exception {
            return end.get(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode json(String s) throws IOException {
        return ConnectClient.JSON.readTree(s);
    }

    @Test
    void unaryCallPostsBareJsonUnderThePrefixWithConnectHeaders() throws Exception {
        server.on("/sandbox/abc/49983/process.Process/List", (ex, body) -> FakeConnectServer.json(ex, 200, "{\"processes\":[{\"pid\":7}]}"));
        JsonNode r = client.unary("process.Process/List", json("{}"), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertThat(r.path("processes").get(0).path("pid").asInt()).isEqualTo(7);
        var seen = server.last("/sandbox/abc/49983/process.Process/List");
        assertThat(seen.text()).isEqualTo("{}");
        assertThat(seen.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(seen.headers().getFirst("Connect-Protocol-Version")).isEqualTo("1");
        assertThat(seen.headers().getFirst("E2b-Sandbox-Id")).isEqualTo("abc");
    }

    @Test
    void unaryErrorCarriesTheConnectCodeAndMessage() {
        server.on("/sandbox/abc/49983/filesystem.Filesystem/Stat", (ex, body) ->
                FakeConnectServer.json(ex, 404, "{\"code\":\"not_found\",\"message\":\"path /nope does not exist\"}"));
        assertThatThrownBy(() -> client.unary("filesystem.Filesystem/Stat", json("{\"path\":\"/nope\"}"), Duration.ofSeconds(5)).join())
                .cause().isInstanceOfSatisfying(ConnectRpcException.class, e -> {
                    assertThat(e.connectCode()).isEqualTo("not_found");
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("envd of abc").contains("path /nope does not exist");
                });
    }

    @Test
    void wrongKeyWithoutBodyIsUnauthorizedAndSaysSo() {
        server.on("/sandbox/abc/49983/process.Process/List", (ex, body) -> FakeConnectServer.json(ex, 401, ""));
        assertThatThrownBy(() -> client.unary("process.Process/List", null, Duration.ofSeconds(5)).join())
                .cause().isInstanceOfSatisfying(ConnectRpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.getMessage()).contains("refused the credentials").contains("401");
                });
    }

    @Test
    void numericCodeIsNotUnderstoodAndFallsBackOnTheStatus() {
        server.on("/sandbox/abc/49983/process.Process/List", (ex, body) -> FakeConnectServer.json(ex, 404, "{\"code\":404}"));
        assertThatThrownBy(() -> client.unary("process.Process/List", null, Duration.ofSeconds(5)).join())
                .cause().isInstanceOfSatisfying(ConnectRpcException.class, e -> assertThat(e.connectCode()).isEqualTo("unimplemented"));
    }

    @Test
    void unreachableEndpointIsUnavailableAndNamesTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ConnectClient dead = new ConnectClient(http, URI.create("http://127.0.0.1:" + port), Map.of(), "envd of x");
        assertThatThrownBy(() -> dead.unary("process.Process/List", null, Duration.ofSeconds(5)).join())
                .cause().isInstanceOfSatisfying(ConnectRpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cannot reach envd of x at http://127.0.0.1:" + port);
                });
        Recorder r = new Recorder();
        dead.stream("process.Process/Start", null, StreamOptions.keepalive(1), r);
        assertThat(r.awaitEnd().getMessage()).contains("cannot reach");
    }

    @Test
    void streamSendsEnvelopeAndHeadersAndDeliversSplitAndCoalescedFrames() throws Exception {
        server.on("/sandbox/abc/49983/process.Process/Start", (ex, body) -> {
            OutputStream out = FakeConnectServer.startStream(ex);
            byte[] a = Envelope.message("{\"event\":{\"start\":{\"pid\":1}}}".getBytes(StandardCharsets.UTF_8)).encode();
            out.write(a, 0, 3); // a frame split across chunks
            out.flush();
            out.write(a, 3, a.length - 3);
            out.flush();
            out.write(EnvelopeDecoder.concat( // two frames and the end in one chunk
                    Envelope.message("{\"event\":{\"data\":{\"pty\":\"aGkK\"}}}".getBytes(StandardCharsets.UTF_8)),
                    Envelope.message("{\"event\":{\"keepalive\":{}}}".getBytes(StandardCharsets.UTF_8)),
                    Envelope.endStream("{}".getBytes(StandardCharsets.UTF_8))));
            out.flush();
        });
        Recorder r = new Recorder();
        client.stream("process.Process/Start", json("{\"process\":{\"cmd\":\"/bin/bash\"}}"),
                StreamOptions.keepalive(7).withTimeout(Duration.ofSeconds(60)), r);
        assertThat(r.awaitEnd()).isNull();
        assertThat(r.messages).extracting(m -> m.path("event").fieldNames().next()).containsExactly("start", "data", "keepalive");
        var seen = server.last("/sandbox/abc/49983/process.Process/Start");
        assertThat(FakeConnectServer.unwrap(seen.body())).isEqualTo("{\"process\":{\"cmd\":\"/bin/bash\"}}");
        assertThat(seen.headers().getFirst("Content-Type")).isEqualTo("application/connect+json");
        assertThat(seen.headers().getFirst("Keepalive-Ping-Interval")).isEqualTo("7");
        assertThat(seen.headers().getFirst("Connect-Timeout-Ms")).isEqualTo("60000");
    }

    @Test
    void endStreamErrorIsTheCallsError() throws Exception {
        server.on("/sandbox/abc/49983/process.Process/Connect", (ex, body) ->
                FakeConnectServer.end(FakeConnectServer.startStream(ex), "{\"error\":{\"code\":\"not_found\",\"message\":\"process 9 not found\"}}"));
        Recorder r = new Recorder();
        client.stream("process.Process/Connect", json("{\"process\":{\"pid\":9}}"), StreamOptions.keepalive(5), r);
        ConnectRpcException e = r.awaitEnd();
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).contains("process 9 not found");
        assertThat(r.messages).isEmpty();
    }

    @Test
    void streamCutWithoutEndFrameIsADroppedStream() throws Exception {
        server.on("/sandbox/abc/49983/process.Process/Start", (ex, body) -> {
            OutputStream out = FakeConnectServer.startStream(ex);
            FakeConnectServer.frame(out, "{\"event\":{\"start\":{\"pid\":1}}}");
            out.write(new byte[]{0, 0, 0, 0, 50, '{'}); // half a frame, then the connection ends
            out.flush();
        });
        Recorder r = new Recorder();
        client.stream("process.Process/Start", null, StreamOptions.keepalive(5), r);
        ConnectRpcException e = r.awaitEnd();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("cut inside a frame cut after 1 of 50 payload bytes");
        assertThat(r.messages).hasSize(1);
    }

    @Test
    void oversizedOrMalformedFramesEndTheStreamWithAClearError() throws Exception {
        server.on("/sandbox/abc/49983/a.A/Big", (ex, body) -> {
            OutputStream out = FakeConnectServer.startStream(ex);
            out.write(new byte[]{0, 0, 1, 0, 0});
            out.flush();
        });
        server.on("/sandbox/abc/49983/a.A/NotJson", (ex, body) -> FakeConnectServer.frame(FakeConnectServer.startStream(ex), "{oops"));
        server.on("/sandbox/abc/49983/a.A/Gzip", (ex, body) -> {
            OutputStream out = FakeConnectServer.startStream(ex);
            out.write(new byte[]{0x1f, (byte) 0x8b, 8, 0, 0, 0, 0});
            out.flush();
        });
        Recorder big = new Recorder(), notJson = new Recorder(), gzip = new Recorder();
        client.stream("a.A/Big", null, StreamOptions.keepalive(5), big);
        client.stream("a.A/NotJson", null, StreamOptions.keepalive(5), notJson);
        client.stream("a.A/Gzip", null, StreamOptions.keepalive(5), gzip);
        assertThat(big.awaitEnd().getMessage()).contains("malformed a.A/Big frame").contains("65536 bytes is larger than the 1024-byte limit");
        assertThat(notJson.awaitEnd().getMessage()).contains("not JSON");
        assertThat(gzip.awaitEnd().getMessage()).contains("unknown frame flags 0x1f");
    }

    @Test
    void nonStreamContentTypeAndHttpErrorsOnStreamsAreReported() throws Exception {
        server.on("/sandbox/abc/49983/a.A/Html", (ex, body) -> {
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("hi".getBytes(StandardCharsets.UTF_8));
        });
        server.on("/sandbox/abc/49983/a.A/Denied", (ex, body) -> FakeConnectServer.json(ex, 401, "{\"code\":\"unauthenticated\",\"message\":\"bad token\"}"));
        Recorder html = new Recorder(), denied = new Recorder();
        client.stream("a.A/Html", null, StreamOptions.keepalive(5), html);
        client.stream("a.A/Denied", null, StreamOptions.keepalive(5), denied);
        assertThat(html.awaitEnd().getMessage()).contains("content type 'text/html'");
        ConnectRpcException d = denied.awaitEnd();
        assertThat(d.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(d.getMessage()).contains("bad token");
    }

    @Test
    void silentStreamIsPresumedDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.on("/sandbox/abc/49983/filesystem.Filesystem/WatchDir", (ex, body) -> {
            FakeConnectServer.frame(FakeConnectServer.startStream(ex), "{\"start\":{}}");
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Recorder r = new Recorder();
        client.stream("filesystem.Filesystem/WatchDir", null, new StreamOptions(null, 1, Duration.ofMillis(300)), r);
        ConnectRpcException e = r.awaitEnd();
        release.countDown();
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("sent nothing for").contains("presumed dropped");
        assertThat(r.messages).hasSize(1);
    }

    @Test
    void clientDeadlineEndsAStreamThatOutlivesIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.on("/sandbox/abc/49983/a.A/Slow", (ex, body) -> {
            FakeConnectServer.startStream(ex).flush();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Recorder r = new Recorder();
        client.stream("a.A/Slow", null, new StreamOptions(Duration.ofMillis(200), 0, null), r);
        ConnectRpcException e = r.awaitEnd();
        release.countDown();
        assertThat(e.connectCode()).isEqualTo("deadline_exceeded");
        assertThat(e).isInstanceOf(SandtableException.class);
    }

    @Test
    void cancelStopsDeliveryAndNeverCallsOnEnd() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        server.on("/sandbox/abc/49983/a.A/Endless", (ex, body) -> {
            OutputStream out = FakeConnectServer.startStream(ex);
            started.countDown();
            for (int i = 0; i < 500; i++) {
                FakeConnectServer.frame(out, "{\"n\":" + i + "}");
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Recorder r = new Recorder();
        ConnectStream s = client.stream("a.A/Endless", null, StreamOptions.keepalive(5), r);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        s.cancel();
        assertThat(s.isOpen()).isFalse();
        int n = r.messages.size();
        Thread.sleep(100);
        assertThat(r.messages.size()).isLessThanOrEqualTo(n + 1);
        assertThat(r.end).isNotDone();
    }
}
