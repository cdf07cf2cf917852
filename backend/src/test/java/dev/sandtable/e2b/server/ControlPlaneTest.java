package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import dev.sandtable.testing.OpenApiSpec;

import static org.assertj.core.api.Assertions.assertThat;

/** E2B's REST control plane on a real local runtime (no isolation, for speed). */
class ControlPlaneTest {
    /** Component schemas of openapi.yml that answers are checked against, field by field (OpenApiSpec). */
    static final String SANDBOX = "Sandbox", LISTED = "ListedSandbox", DETAIL = "SandboxDetail";

    @TempDir
    static Path dir;
    static E2bTestServer server;

    @BeforeAll
    static void start() {
        server = new E2bTestServer(dir, E2bTestServer.NONE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static OpenApiSpec spec() {
        return OpenApiSpec.shared("e2b/openapi.yml");
    }

    /** {@code n} conforms to the named component schema of openapi.yml; envdVersion is semver, as the SDK needs. */
    static void assertShape(JsonNode n, String schema) {
        OpenApiSpec spec = spec();
        assertThat(spec.validate(spec.schema(schema), n)).as(schema + ": " + n).isEmpty();
        assertThat(n.path("envdVersion").asText()).matches("\\d+\\.\\d+\\.\\d+");
    }

    /** The reply's status, content type and body are what openapi.yml documents for the operation. */
    static void assertConforms(String method, String template, E2bTestServer.Reply r) {
        spec().assertResponse(method, template, r.status(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    }

    @Test
    void createV2AnswersASecuredSandboxShapedAsTheSpecSays() {
        var r = server.api("POST", "/v2/sandboxes", "{\"templateID\":\"base\",\"metadata\":{\"k\":\"v\"},\"unknownField\":1}");
        assertThat(r.status()).isEqualTo(201);
        assertShape(r.body(), SANDBOX);
        assertThat(r.body().get("sandboxID").asText()).matches("[a-z0-9]+");
        assertThat(r.body().get("templateID").asText()).isEqualTo("base");
        assertThat(r.body().get("envdAccessToken").asText()).isNotBlank();
        var detail = server.api("GET", "/sandboxes/" + r.body().get("sandboxID").asText(), null);
        assertThat(detail.status()).isEqualTo(200);
        assertShape(detail.body(), DETAIL);
        assertConforms("GET", "/sandboxes/{sandboxID}", detail);
        assertThat(detail.body().path("metadata").path("k").asText()).isEqualTo("v");
        assertThat(detail.body().path("state").asText()).isEqualTo("running");
        Instant endAt = Instant.parse(detail.body().get("endAt").asText());
        assertThat(endAt).isBetween(Instant.now().plusSeconds(250), Instant.now().plusSeconds(301)); // default 300 s
    }

    @Test
    void createV1IsSecuredOnlyWhenAsked() {
        var open = server.api("POST", "/sandboxes", "{\"templateID\":\"host-shell\",\"secure\":false,\"timeout\":60}");
        assertThat(open.status()).isEqualTo(201);
        assertShape(open.body(), SANDBOX);
        assertThat(open.body().has("envdAccessToken")).isFalse();
        var secure = server.api("POST", "/sandboxes", "{\"templateID\":\"host-shell\",\"secure\":true}");
        assertThat(secure.body().get("envdAccessToken").asText()).isNotBlank();
    }

    @Test
    void errorsCarryTheNumericCode() {
        var noKey = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v2/sandboxes")).GET().build());
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.body().get("code").asInt()).isEqualTo(401);
        assertThat(noKey.body().get("message").asText()).contains("X-API-Key");
        assertConforms("GET", "/v2/sandboxes", noKey);
        var unknownTemplate = server.api("POST", "/v2/sandboxes", "{\"templateID\":\"nope\"}");
        assertThat(unknownTemplate.status()).isEqualTo(404);
        assertThat(unknownTemplate.body().get("code").asInt()).isEqualTo(404);
        assertThat(unknownTemplate.body().get("message").asText()).contains("nope");
        var missing = server.api("DELETE", "/sandboxes/doesnotexist", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("code").asInt()).isEqualTo(404);
        assertConforms("DELETE", "/sandboxes/{sandboxID}", missing);
        assertConforms("GET", "/sandboxes/{sandboxID}", server.api("GET", "/sandboxes/doesnotexist", null));
        var badJson = server.api("POST", "/v2/sandboxes", "{");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body().get("code").asInt()).isEqualTo(400);
        assertConforms("POST", "/sandboxes", server.api("POST", "/sandboxes", "{"));
    }

    @Test
    void logsV1AndV2AnswerTheSandboxsLogAsTheSpecSaysAndFilterIt() throws Exception {
        E2bTestServer.Created created = server.create("{\"templateID\":\"base\"}");
        String id = created.id();
        String local = server.localId(created);
        java.nio.file.Path log = dir.resolve("state/sandboxes").resolve(local).resolve("init.log");
        java.nio.file.Files.writeString(log, "first line\nsecond: error here\nthird line\n", java.nio.file.StandardOpenOption.APPEND);

        var v2 = server.api("GET", "/v2/sandboxes/" + id + "/logs", null);
        assertConforms("GET", "/v2/sandboxes/{sandboxID}/logs", v2);
        List<String> messages = new ArrayList<>();
        v2.body().path("logs").forEach(e -> messages.add(e.path("message").asText()));
        assertThat(messages).endsWith("first line", "second: error here", "third line");

        var back = server.api("GET", "/v2/sandboxes/" + id + "/logs?direction=backward&limit=2", null);
        assertConforms("GET", "/v2/sandboxes/{sandboxID}/logs", back);
        assertThat(back.body().path("logs")).extracting(e -> e.path("message").asText()).containsExactly("third line", "second: error here");
        var found = server.api("GET", "/v2/sandboxes/" + id + "/logs?search=error", null);
        assertThat(found.body().path("logs")).extracting(e -> e.path("message").asText()).containsExactly("second: error here");
        assertThat(server.api("GET", "/v2/sandboxes/" + id + "/logs?level=error", null).body().path("logs"))
                .as("the local log has no levels: every line is info").isEmpty();
        long started = Instant.parse(server.api("GET", "/sandboxes/" + id, null).body().path("startedAt").asText()).toEpochMilli();
        assertThat(server.api("GET", "/v2/sandboxes/" + id + "/logs?cursor=" + (started + 1), null).body().path("logs")).isEmpty();
        assertThat(server.api("GET", "/v2/sandboxes/" + id + "/logs?cursor=" + started, null).body().path("logs")).hasSize(messages.size());

        var v1 = server.api("GET", "/sandboxes/" + id + "/logs?limit=2", null);
        assertConforms("GET", "/sandboxes/{sandboxID}/logs", v1);
        assertThat(v1.body().path("logs")).hasSize(2);
        assertThat(v1.body().path("logEntries")).hasSize(2);

        for (String bad : List.of("limit=1001", "direction=sideways", "level=loud", "cursor=-1", "limit=x")) {
            var r = server.api("GET", "/v2/sandboxes/" + id + "/logs?" + bad, null);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        var missing = server.api("GET", "/v2/sandboxes/nosuch/logs", null);
        assertThat(missing.status()).isEqualTo(404);
        assertConforms("GET", "/v2/sandboxes/{sandboxID}/logs", missing);
        assertConforms("GET", "/sandboxes/{sandboxID}/logs", server.api("GET", "/sandboxes/nosuch/logs", null));
    }

    @Test
    void listFiltersByStateAndMetadataAndPagesWithXNextToken() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(server.create("{\"templateID\":\"base\",\"metadata\":{\"suite\":\"paging\",\"n\":\"" + i + "\"}}").id());
        assertThat(server.api("POST", "/sandboxes/" + ids.get(0) + "/pause", null).status()).isEqualTo(204);

        String filter = "metadata=" + java.net.URLEncoder.encode("suite=paging", java.nio.charset.StandardCharsets.UTF_8);
        var all = server.api("GET", "/v2/sandboxes?" + filter, null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body()).hasSize(3);
        all.body().forEach(n -> assertShape(n, LISTED));
        assertConforms("GET", "/v2/sandboxes", all);
        assertConforms("GET", "/sandboxes", server.api("GET", "/sandboxes?" + filter, null));
        assertThat(all.headers().firstValue("X-Next-Token")).isEmpty();
        assertThat(all.headers().firstValue("X-Total-Running")).isPresent();

        var paused = server.api("GET", "/v2/sandboxes?state=paused&" + filter, null);
        assertThat(paused.body()).extracting(n -> n.get("sandboxID").asText()).containsExactly(ids.get(0));
        var both = server.api("GET", "/v2/sandboxes?state=running,paused&" + filter, null);
        assertThat(both.body()).hasSize(3);
        var v1 = server.api("GET", "/sandboxes?" + filter, null);
        assertThat(v1.body()).extracting(n -> n.get("sandboxID").asText()).containsExactlyInAnyOrder(ids.get(1), ids.get(2));

        List<String> paged = new ArrayList<>();
        String token = null;
        for (int page = 0; page < 5; page++) {
            var r = server.api("GET", "/v2/sandboxes?limit=1&" + filter + (token == null ? "" : "&nextToken=" + token), null);
            assertThat(r.body()).hasSize(1);
            paged.add(r.body().get(0).get("sandboxID").asText());
            token = r.headers().firstValue("X-Next-Token").orElse(null);
            if (token == null) break;
        }
        assertThat(paged).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void pauseConnectResumeAndKill() {
        String id = server.create("{\"templateID\":\"base\"}").id();
        assertThat(server.api("POST", "/sandboxes/" + id + "/pause", null).status()).isEqualTo(204);
        var again = server.api("POST", "/sandboxes/" + id + "/pause", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("code").asInt()).isEqualTo(409);
        assertConforms("POST", "/sandboxes/{sandboxID}/pause", again);
        assertThat(server.api("GET", "/sandboxes/" + id, null).body().get("state").asText()).isEqualTo("paused");

        var resumed = server.api("POST", "/v2/sandboxes/" + id + "/connect", "{\"timeout\":60}");
        assertThat(resumed.status()).isEqualTo(201);
        assertShape(resumed.body(), SANDBOX);
        var running = server.api("POST", "/sandboxes/" + id + "/connect", "{\"timeout\":60}");
        assertThat(running.status()).isEqualTo(200);
        assertThat(server.api("POST", "/sandboxes/" + id + "/resume", "{}").status()).isEqualTo(409);
        assertThat(server.api("POST", "/sandboxes/" + id + "/pause", null).status()).isEqualTo(204);
        assertThat(server.api("POST", "/sandboxes/" + id + "/resume", "{\"timeout\":30}").status()).isEqualTo(201);

        assertThat(server.api("DELETE", "/sandboxes/" + id, null).status()).isEqualTo(204);
        assertThat(server.api("DELETE", "/sandboxes/" + id, null).status()).isEqualTo(404);
        assertThat(server.api("GET", "/sandboxes/" + id, null).status()).isEqualTo(404);
        assertThat(server.api("POST", "/sandboxes/" + id + "/connect", "{\"timeout\":10}").status()).isEqualTo(404);
    }

    @Test
    void anExpiredTimeoutKillsTheSandbox() {
        String id = server.create("{\"templateID\":\"base\",\"timeout\":300}").id();
        assertThat(server.api("POST", "/sandboxes/" + id + "/timeout", "{\"timeout\":1}").status()).isEqualTo(204);
        Instant endAt = Instant.parse(server.api("GET", "/sandboxes/" + id, null).body().get("endAt").asText());
        assertThat(endAt).isBefore(Instant.now().plusSeconds(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.runtime.inventory().sandboxes().stream().anyMatch(s -> E2bSandbox.e2bId(s.id()).equals(id))) {
            assertThat(System.nanoTime()).as("sandbox still there after its timeout").isLessThan(deadline);
            sleep(50);
        }
        assertThat(server.api("GET", "/sandboxes/" + id, null).status()).isEqualTo(404);
        assertThat(server.api("POST", "/sandboxes/" + id + "/timeout", "{\"timeout\":1}").status()).isEqualTo(404);
        assertThat(server.api("POST", "/sandboxes/x/timeout", "{}").status()).isEqualTo(400);
    }

    @Test
    void autoPauseOnTimeoutPausesInsteadOfKilling() {
        String id = server.create("{\"templateID\":\"base\",\"timeout\":1,\"autoPause\":true}").id();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!server.api("GET", "/sandboxes/" + id, null).body().path("state").asText().equals("paused")) {
            assertThat(System.nanoTime()).as("sandbox not paused after its timeout").isLessThan(deadline);
            sleep(50);
        }
        assertThat(server.api("DELETE", "/sandboxes/" + id, null).status()).isEqualTo(204);
        assertThat(server.runtime.inventory().sandboxes()).noneMatch(s -> E2bSandbox.e2bId(s.id()).equals(id));
    }

    @Test
    void idleWarmPoolMembersAreNotE2bSandboxes() {
        server.runtime.createPool(new dev.sandtable.spi.PoolSpec("e2bpool", "host-shell", 1, 1)).join();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.runtime.inventory().sandboxes().stream().noneMatch(s -> "e2bpool".equals(s.poolName())
                && s.state() == dev.sandtable.model.SandboxState.PAUSED)) {
            assertThat(System.nanoTime()).as("pool member not ready").isLessThan(deadline);
            sleep(20);
        }
        String member = server.runtime.inventory().sandboxes().stream().filter(s -> "e2bpool".equals(s.poolName()))
                .findFirst().orElseThrow().id();
        String e2bId = E2bSandbox.e2bId(member);
        assertThat(server.api("GET", "/v2/sandboxes", null).body()).noneMatch(n -> n.get("sandboxID").asText().equals(e2bId));
        assertThat(server.api("POST", "/sandboxes/" + e2bId + "/connect", "{\"timeout\":10}").status()).isEqualTo(404);
        server.runtime.deletePool("e2bpool").join();
    }

    @Test
    void servePrintsTheVariablesThatPointTheSdksHere() {
        assertThat(dev.sandtable.service.ServiceMain.e2bEnvironment(server.service.info())).containsExactly(
                "E2B_API_URL=" + server.url(), "E2B_SANDBOX_URL=" + server.url(), "E2B_API_KEY=" + server.apiKey(),
                "E2B_DOMAIN=localhost");
        assertThat(server.apiKey()).matches("e2b_[0-9a-f]{40}");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
