package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sandtable.e2b.server.E2bTestServer.b64;
import static dev.sandtable.e2b.server.E2bTestServer.output;
import static org.assertj.core.api.Assertions.assertThat;

/** envd's process.Process RPCs over Connect JSON, against a real local runtime (no isolation, for speed). */
class EnvdProcessTest {
    @TempDir
    static Path dir;
    static E2bTestServer server;
    static E2bTestServer.Created sb;

    @BeforeAll
    static void start() {
        server = new E2bTestServer(dir, E2bTestServer.NONE);
        sb = server.create("{\"templateID\":\"base\"}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String bash(String script) {
        return "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-c\"," + E2bTestServer.obj().textNode(script) + "]},\"stdin\":false}";
    }

    @Test
    void startStreamsStartThenDataThenExactlyOneEndThenTheEndOfStream() {
        try (var s = server.stream(sb, "process.Process/Start", bash("echo hi; echo err >&2"))) {
            assertThat(s.response.headers().firstValue("Content-Type")).hasValue("application/connect+json");
            List<E2bTestServer.Message> all = s.rest();
            assertThat(all.getFirst().json().path("event").path("start").path("pid").asLong()).isPositive();
            assertThat(output(all, "stdout")).isEqualTo("hi\n");
            assertThat(output(all, "stderr")).isEqualTo("err\n");
            assertThat(all.stream().filter(m -> m.json().path("event").has("end"))).hasSize(1);
            JsonNode end = all.get(all.size() - 2).json().path("event").path("end");
            assertThat(end.has("exitCode")).as("a zero exit code is omitted").isFalse();
            assertThat(end.path("exited").asBoolean()).isTrue();
            assertThat(end.path("status").asText()).isEqualTo("exit status 0");
            assertThat(all.getLast().endStream()).isTrue();
            assertThat(all.getLast().json().isEmpty()).isTrue();
        }
    }

    @Test
    void theEndDoesNotWaitForBackgroundChildrenHoldingTheOutput() {
        try (var s = server.stream(sb, "process.Process/Start", bash("sleep 30 & echo $!"))) {
            List<E2bTestServer.Message> all = s.rest();
            String child = output(all, "stdout").trim();
            assertThat(all.get(all.size() - 2).json().path("event").path("end").path("exited").asBoolean()).isTrue();
            ProcessHandle.of(Long.parseLong(child)).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aNonZeroExitReportsTheCodeAndAnError() {
        try (var s = server.stream(sb, "process.Process/Start", bash("exit 3"))) {
            List<E2bTestServer.Message> all = s.rest();
            JsonNode end = all.get(all.size() - 2).json().path("event").path("end");
            assertThat(end.path("exitCode").asInt()).isEqualTo(3);
            assertThat(end.path("error").asText()).isEqualTo("exit status 3");
        }
    }

    @Test
    void cwdEnvsAndTheHomeFolder() {
        var mk = server.unary(sb, "filesystem.Filesystem/MakeDir", "{\"path\":\"work/here\"}");
        assertThat(mk.status()).isEqualTo(200);
        String req = "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"pwd; echo $A\"],\"envs\":{\"A\":\"x y\"},\"cwd\":\"~/work/here\"}}";
        try (var s = server.stream(sb, "process.Process/Start", req)) {
            assertThat(output(s.rest(), "stdout")).endsWith("/work/here\nx y\n");
        }
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"/bin/true\",\"cwd\":\"/no/such/dir\"}}")) {
            List<E2bTestServer.Message> all = s.rest();
            assertThat(all).hasSize(1);
            assertThat(all.getFirst().endStream()).isTrue();
            assertThat(all.getFirst().json().path("error").path("code").asText()).isEqualTo("invalid_argument");
            assertThat(all.getFirst().json().path("error").path("message").asText()).contains("/no/such/dir");
        }
    }

    @Test
    void theSandboxsEnvVarsReachEveryProcessAndRequestEnvsWin() {
        var other = server.create("{\"templateID\":\"base\",\"envVars\":{\"G\":\"global\",\"H\":\"sandbox\"}}");
        String req = "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"echo $G $H\"],\"envs\":{\"H\":\"request\"}}}";
        try (var s = server.stream(other, "process.Process/Start", req)) {
            assertThat(output(s.rest(), "stdout")).isEqualTo("global request\n");
        }
        assertThat(server.api("POST", "/v2/sandboxes", "{\"envVars\":{\"A=B\":\"x\"}}").status()).isEqualTo(400);
    }

    @Test
    void stdinIsAPipeWhenAskedAndCloseStdinEndsIt() {
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"cat\"},\"stdin\":true}")) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            var sel = "{\"pid\":" + pid + "}";
            assertThat(server.unary(sb, "process.Process/SendInput", "{\"process\":" + sel + ",\"input\":{\"stdin\":\"" + b64("abc\n") + "\"}}").status()).isEqualTo(200);
            var first = s.next().json();
            assertThat(E2bTestServer.unb64(first.path("event").path("data").path("stdout"))).isEqualTo("abc\n");
            var pty = server.unary(sb, "process.Process/SendInput", "{\"process\":" + sel + ",\"input\":{\"pty\":\"" + b64("x") + "\"}}");
            assertThat(pty.status()).isEqualTo(400);
            assertThat(server.unary(sb, "process.Process/CloseStdin", "{\"process\":" + sel + "}").status()).isEqualTo(200);
            List<E2bTestServer.Message> rest = s.rest();
            assertThat(rest.get(rest.size() - 2).json().path("event").path("end").path("exited").asBoolean()).isTrue();
        }
        // stdin:false gives /dev/null: cat ends at once, and input is refused
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"cat\"},\"stdin\":false}")) {
            assertThat(s.rest().getLast().endStream()).isTrue();
        }
    }

    @Test
    void sendInputToAClosedStdinIsAnInternalError() {
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"sleep\",\"args\":[\"5\"]},\"stdin\":false}")) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            var r = server.unary(sb, "process.Process/SendInput", "{\"process\":{\"pid\":" + pid + "},\"input\":{\"stdin\":\"YQ==\"}}");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body().path("code").asText()).isEqualTo("internal");
            server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":" + pid + "},\"signal\":\"SIGNAL_SIGKILL\"}");
            List<E2bTestServer.Message> rest = s.rest();
            JsonNode end = rest.get(rest.size() - 2).json().path("event").path("end");
            assertThat(end.path("status").asText()).isEqualTo("signal: killed");
            assertThat(end.path("exited").asBoolean()).isFalse();
        }
    }

    @Test
    void listSignalsAndTags() {
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"sleep\",\"args\":[\"30\"]},\"tag\":\"sleeper\",\"stdin\":false}")) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            var list = server.unary(sb, "process.Process/List", "{}");
            assertThat(list.status()).isEqualTo(200);
            JsonNode mine = null;
            for (JsonNode p : list.body().path("processes")) if (p.path("pid").asLong() == pid) mine = p;
            assertThat(mine).isNotNull();
            assertThat(mine.path("tag").asText()).isEqualTo("sleeper");
            assertThat(mine.path("config").path("cmd").asText()).isEqualTo("sleep");
            var bad = server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"tag\":\"sleeper\"},\"signal\":\"SIGNAL_UNSPECIFIED\"}");
            assertThat(bad.status()).isEqualTo(501);
            assertThat(bad.body().path("code").asText()).isEqualTo("unimplemented");
            assertThat(server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"tag\":\"sleeper\"},\"signal\":15}").status()).isEqualTo(200);
            List<E2bTestServer.Message> rest = s.rest();
            assertThat(rest.get(rest.size() - 2).json().path("event").path("end").path("status").asText()).isEqualTo("signal: terminated");
        }
        var gone = server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":999999},\"signal\":\"SIGNAL_SIGKILL\"}");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void theProcessOutlivesItsRequestAndConnectFindsItAndItsRetainedEnd() throws Exception {
        long pid;
        try (var s = server.stream(sb, "process.Process/Start", bash("read line < /dev/null; sleep 0.5; echo later"))) {
            pid = s.next().json().path("event").path("start").path("pid").asLong();
        } // the client went away
        try (var c = server.stream(sb, "process.Process/Connect", "{\"process\":{\"pid\":" + pid + "}}")) {
            List<E2bTestServer.Message> all = c.rest();
            assertThat(all.getFirst().json().path("event").path("start").path("pid").asLong()).isEqualTo(pid);
            assertThat(output(all, "stdout")).isEqualTo("later\n");
            assertThat(all.get(all.size() - 2).json().path("event").has("end")).isTrue();
        }
        // after the end: start, then the retained end
        try (var c = server.stream(sb, "process.Process/Connect", "{\"process\":{\"pid\":" + pid + "}}")) {
            List<E2bTestServer.Message> all = c.rest();
            assertThat(all).hasSize(3);
            assertThat(all.get(1).json().path("event").has("end")).isTrue();
        }
        try (var c = server.stream(sb, "process.Process/Connect", "{\"process\":{\"pid\":999999}}")) {
            List<E2bTestServer.Message> all = c.rest();
            assertThat(all).hasSize(1);
            assertThat(all.getFirst().json().path("error").path("code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void keepalivesFillTheSilenceAndConnectTimeoutKillsTheProcess() {
        var headers = Map.of("Keepalive-Ping-Interval", "1", "Connect-Timeout-Ms", "2500");
        try (var s = server.stream(sb, "process.Process/Start", bash("sleep 30"), headers)) {
            List<E2bTestServer.Message> all = s.rest();
            assertThat(all.stream().filter(m -> m.json().path("event").has("keepalive")).count()).isGreaterThanOrEqualTo(1);
            JsonNode end = all.get(all.size() - 2).json().path("event").path("end");
            assertThat(end.path("status").asText()).isEqualTo("signal: killed");
        }
        var bad = Map.of("Connect-Timeout-Ms", "soon");
        try (var s = server.stream(sb, "process.Process/Start", bash("true"), bad)) {
            assertThat(s.rest().getFirst().json().path("error").path("code").asText()).isEqualTo("invalid_argument");
        }
    }

    @Test
    void aPtyHasTheRequestedSizeTakesInputAndResizes() {
        String req = "{\"process\":{\"cmd\":\"/bin/sh\",\"envs\":{\"PS1\":\"$ \"}},\"pty\":{\"size\":{\"cols\":91,\"rows\":17}}}";
        try (var s = server.stream(sb, "process.Process/Start", req)) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            String sel = "{\"pid\":" + pid + "}";
            StringBuilder out = new StringBuilder();
            input(sel, "stty size\n");
            readUntil(s, out, "17 91");
            assertThat(server.unary(sb, "process.Process/Update", "{\"process\":" + sel + ",\"pty\":{\"size\":{\"cols\":120,\"rows\":40}}}").status()).isEqualTo(200);
            input(sel, "stty size\n");
            readUntil(s, out, "40 120");
            var stdin = server.unary(sb, "process.Process/SendInput", "{\"process\":" + sel + ",\"input\":{\"stdin\":\"eA==\"}}");
            assertThat(stdin.status()).isEqualTo(400);
            assertThat(server.unary(sb, "process.Process/CloseStdin", "{\"process\":" + sel + "}").status()).isEqualTo(400);
            input(sel, "exit\n");
            List<E2bTestServer.Message> rest = s.rest();
            assertThat(rest.getLast().endStream()).isTrue();
            assertThat(rest.get(rest.size() - 2).json().path("event").has("end")).isTrue();
        }
    }

    @Test
    void destroyingTheSandboxElsewhereKillsTheProcessesEnvdStarted() throws Exception {
        var other = server.create("{\"templateID\":\"base\"}");
        long pid;
        try (var s = server.stream(other, "process.Process/Start", "{\"process\":{\"cmd\":\"sleep\",\"args\":[\"60\"]},\"stdin\":false}")) {
            pid = s.next().json().path("event").path("start").path("pid").asLong();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);
        String local = server.runtime.inventory().sandboxes().stream().filter(x -> E2bSandbox.e2bId(x.id()).equals(other.id()))
                .findFirst().orElseThrow().id();
        server.runtime.destroy(local).get(30, java.util.concurrent.TimeUnit.SECONDS);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("process " + pid + " still alive").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aPtyProcessCanBeKilled() {
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"sleep\",\"args\":[\"60\"]},\"pty\":{\"size\":{\"cols\":80,\"rows\":24}}}")) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            var r = server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":" + pid + "},\"signal\":\"SIGNAL_SIGKILL\"}");
            assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
            List<E2bTestServer.Message> rest = s.rest();
            assertThat(rest.get(rest.size() - 2).json().path("event").path("end").path("status").asText()).isEqualTo("signal: killed");
        }
    }

    @Test
    void streamInputFeedsStdinFromAClientStream() throws Exception {
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"cat\"},\"stdin\":true}")) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            var body = new java.io.ByteArrayOutputStream();
            body.write(ConnectFraming.envelope(0, ("{\"start\":{\"process\":{\"pid\":" + pid + "}}}").getBytes()));
            body.write(ConnectFraming.envelope(0, "{\"keepalive\":{}}".getBytes()));
            body.write(ConnectFraming.envelope(0, ("{\"data\":{\"input\":{\"stdin\":\"" + b64("streamed\n") + "\"}}}").getBytes()));
            body.write(ConnectFraming.envelope(ConnectFraming.FLAG_END_STREAM, "{}".getBytes()));
            var r = server.http.send(server.envdRequest(sb, "/process.Process/StreamInput").header("Content-Type", "application/connect+json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            var in = new java.io.ByteArrayInputStream(r.body());
            assertThat(ConnectFraming.read(in).endStream()).isFalse();
            assertThat(new String(ConnectFraming.read(in).payload())).isEqualTo("{}");
            assertThat(E2bTestServer.unb64(s.next().json().path("event").path("data").path("stdout"))).isEqualTo("streamed\n");
            server.unary(sb, "process.Process/CloseStdin", "{\"process\":{\"pid\":" + pid + "}}");
            s.rest();
        }
    }

    private static void input(String selector, String text) {
        var r = server.unary(sb, "process.Process/SendInput", "{\"process\":" + selector + ",\"input\":{\"pty\":\"" + b64(text) + "\"}}");
        assertThat(r.status()).isEqualTo(200);
    }

    private static void readUntil(E2bTestServer.Stream s, StringBuilder out, String wanted) {
        while (!out.toString().contains(wanted)) {
            var m = s.next();
            assertThat(m).as("stream ended before '" + wanted + "' in " + out).isNotNull();
            assertThat(m.endStream()).as("stream ended before '" + wanted + "' in " + out).isFalse();
            JsonNode pty = m.json().path("event").path("data").path("pty");
            if (!pty.isMissingNode()) out.append(E2bTestServer.unb64(pty));
        }
    }
}
