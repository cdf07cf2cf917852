package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** envd's filesystem RPCs, /files, /health, access tokens, users and routing, against a real local runtime. */
class EnvdFilesystemTest {
    @TempDir
    static Path dir;
    static E2bTestServer server;
    static E2bTestServer.Created sb;
    static Path workspace;

    @BeforeAll
    static void start() {
        server = new E2bTestServer(dir, E2bTestServer.NONE);
        sb = server.create("{\"templateID\":\"base\"}");
        workspace = server.workspace(sb);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void statListMakeMoveRemove() throws Exception {
        Files.createDirectories(workspace.resolve("fs/sub"));
        Files.writeString(workspace.resolve("fs/a.txt"), "hello");
        Files.createSymbolicLink(workspace.resolve("fs/link"), Path.of("a.txt"));

        var stat = server.unary(sb, "filesystem.Filesystem/Stat", "{\"path\":\"fs/a.txt\"}");
        assertThat(stat.status()).isEqualTo(200);
        JsonNode e = stat.body().path("entry");
        assertThat(e.path("name").asText()).isEqualTo("a.txt");
        assertThat(e.path("type").asText()).isEqualTo("FILE_TYPE_FILE");
        assertThat(e.path("path").asText()).isEqualTo(workspace.resolve("fs/a.txt").toString());
        assertThat(e.path("size").isTextual()).as("int64 is a JSON string").isTrue();
        assertThat(e.path("size").asText()).isEqualTo("5");
        assertThat(e.path("permissions").asText()).matches("-[rwx-]{9}");
        assertThat(e.path("owner").asText()).isNotEmpty();
        assertThat(java.time.Instant.parse(e.path("modifiedTime").asText())).isNotNull();

        var missing = server.unary(sb, "filesystem.Filesystem/Stat", "{\"path\":\"/nope/nothing\"}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(missing.body().path("code").asText()).isEqualTo("not_found");

        var list = server.unary(sb, "filesystem.Filesystem/ListDir", "{\"path\":\"fs\",\"depth\":1}");
        List<String> names = new ArrayList<>();
        list.body().path("entries").forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("a.txt", "sub", "link");
        JsonNode link = null;
        for (JsonNode n : list.body().path("entries")) if (n.path("name").asText().equals("link")) link = n;
        assertThat(link.path("symlinkTarget").asText()).isEqualTo("a.txt");
        Files.writeString(workspace.resolve("fs/sub/deep.txt"), "d");
        var deep = server.unary(sb, "filesystem.Filesystem/ListDir", "{\"path\":\"fs\",\"depth\":2}");
        assertThat(deep.body().path("entries")).anyMatch(n -> n.path("name").asText().equals("deep.txt"));
        assertThat(server.unary(sb, "filesystem.Filesystem/ListDir", "{\"path\":\"fs/a.txt\"}").body().path("code").asText())
                .isEqualTo("invalid_argument");

        var made = server.unary(sb, "filesystem.Filesystem/MakeDir", "{\"path\":\"fs/new/nested\"}");
        assertThat(made.status()).isEqualTo(200);
        assertThat(made.body().path("entry").path("type").asText()).isEqualTo("FILE_TYPE_DIRECTORY");
        var again = server.unary(sb, "filesystem.Filesystem/MakeDir", "{\"path\":\"fs/new/nested\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().path("code").asText()).isEqualTo("already_exists");

        var moved = server.unary(sb, "filesystem.Filesystem/Move", "{\"source\":\"fs/a.txt\",\"destination\":\"fs/moved/b.txt\"}");
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.body().path("entry").path("name").asText()).isEqualTo("b.txt");
        assertThat(Files.readString(workspace.resolve("fs/moved/b.txt"))).isEqualTo("hello");
        assertThat(server.unary(sb, "filesystem.Filesystem/Move", "{\"source\":\"fs/a.txt\",\"destination\":\"x\"}").status()).isEqualTo(404);

        assertThat(server.unary(sb, "filesystem.Filesystem/Remove", "{\"path\":\"fs/new\"}").status()).isEqualTo(200);
        assertThat(workspace.resolve("fs/new")).doesNotExist();
        assertThat(server.unary(sb, "filesystem.Filesystem/Remove", "{\"path\":\"fs/new\"}").status()).isEqualTo(404);
    }

    @Test
    void watchDirSendsStartThenRelativeEventsIncludingNewSubdirectories() throws Exception {
        Files.createDirectories(workspace.resolve("w/existing"));
        try (var s = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"w\",\"recursive\":true,\"includeEntry\":true}")) {
            assertThat(s.next().json().toString()).isEqualTo("{\"start\":{}}");
            Files.writeString(workspace.resolve("w/existing/f.txt"), "x");
            JsonNode ev = nextEvent(s);
            assertThat(ev.path("name").asText()).isEqualTo("existing/f.txt");
            assertThat(ev.path("type").asText()).isEqualTo("EVENT_TYPE_CREATE");
            assertThat(ev.path("entry").path("name").asText()).isEqualTo("f.txt");
            Files.createDirectories(workspace.resolve("w/made/later"));
            Files.writeString(workspace.resolve("w/made/later/g.txt"), "y");
            List<String> seen = new ArrayList<>();
            while (!seen.contains("made/later/g.txt")) seen.add(nextEvent(s).path("name").asText());
            Files.delete(workspace.resolve("w/existing/f.txt"));
            JsonNode removed;
            do {
                removed = nextEvent(s);
            } while (!removed.path("type").asText().equals("EVENT_TYPE_REMOVE"));
            assertThat(removed.path("name").asText()).isEqualTo("existing/f.txt");
        }
        try (var s = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"nowhere\"}")) {
            assertThat(s.next().json().path("error").path("code").asText()).isEqualTo("not_found");
        }
        Files.writeString(workspace.resolve("plain.txt"), "p");
        try (var s = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"plain.txt\"}")) {
            assertThat(s.next().json().path("error").path("code").asText()).isEqualTo("invalid_argument");
        }
    }

    @Test
    void watchDirReportsRenamesAndChmodsAsEnvdDoes() throws Exception {
        dev.sandtable.testing.Requirements.require(Inotify.AVAILABLE, "Linux inotify (" + Inotify.UNAVAILABLE_REASON + ")");
        Files.createDirectories(workspace.resolve("rw"));
        Files.writeString(workspace.resolve("rw/a.txt"), "a");
        try (var s = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"rw\",\"includeEntry\":true}")) {
            assertThat(s.next().json().has("start")).isTrue();
            Files.move(workspace.resolve("rw/a.txt"), workspace.resolve("rw/b.txt"));
            JsonNode renamed = nextEvent(s);
            assertThat(renamed.path("type").asText()).isEqualTo("EVENT_TYPE_RENAME");
            assertThat(renamed.path("name").asText()).isEqualTo("a.txt");
            assertThat(renamed.has("entry")).as("no entry for a name that is gone").isFalse();
            JsonNode created = nextEvent(s);
            assertThat(created.path("type").asText()).isEqualTo("EVENT_TYPE_CREATE");
            assertThat(created.path("name").asText()).isEqualTo("b.txt");
            Files.setPosixFilePermissions(workspace.resolve("rw/b.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            JsonNode chmod = nextEvent(s);
            assertThat(chmod.path("type").asText()).isEqualTo("EVENT_TYPE_CHMOD");
            assertThat(chmod.path("name").asText()).isEqualTo("b.txt");
            assertThat(chmod.path("entry").path("permissions").asText()).isEqualTo("-rw-------");
        }
    }

    @Test
    void aWatchEndsWithDeadlineExceededAndSendsKeepalives() {
        var headers = Map.of("Keepalive-Ping-Interval", "1", "Connect-Timeout-Ms", "1500");
        try (var s = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"\"}", headers)) {
            List<E2bTestServer.Message> all = s.rest();
            assertThat(all.getFirst().json().has("start")).isTrue();
            assertThat(all).anyMatch(m -> m.json().has("keepalive"));
            assertThat(all.getLast().json().path("error").path("code").asText()).isEqualTo("deadline_exceeded");
        }
    }

    @Test
    void pollingWatchersCollectEventsUntilRemoved() throws Exception {
        Files.createDirectories(workspace.resolve("pw"));
        var created = server.unary(sb, "filesystem.Filesystem/CreateWatcher", "{\"path\":\"pw\"}");
        assertThat(created.status()).isEqualTo(200);
        String id = created.body().path("watcherId").asText();
        Files.writeString(workspace.resolve("pw/x.txt"), "x");
        List<String> names = new ArrayList<>();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (!names.contains("x.txt")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            var r = server.unary(sb, "filesystem.Filesystem/GetWatcherEvents", "{\"watcherId\":\"" + id + "\"}");
            assertThat(r.status()).isEqualTo(200);
            r.body().path("events").forEach(e -> names.add(e.path("name").asText()));
            Thread.sleep(10);
        }
        assertThat(server.unary(sb, "filesystem.Filesystem/RemoveWatcher", "{\"watcher_id\":\"" + id + "\"}").status()).isEqualTo(200);
        assertThat(server.unary(sb, "filesystem.Filesystem/GetWatcherEvents", "{\"watcherId\":\"" + id + "\"}").status()).isEqualTo(404);
        assertThat(server.unary(sb, "filesystem.Filesystem/CreateWatcher", "{\"path\":\"none\"}").status()).isEqualTo(404);
    }

    private static JsonNode nextEvent(E2bTestServer.Stream s) {
        while (true) {
            var m = s.next();
            assertThat(m).isNotNull();
            assertThat(m.endStream()).as("stream ended: " + m.json()).isFalse();
            if (m.json().has("filesystem")) return m.json().path("filesystem");
        }
    }

    @Test
    void filesUploadsMultipartAndOctetStreamAndDownloads() throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"up/one.txt\"\r\n\r\nfirst\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"up/two.txt\"\r\n\r\nsecond\r\n"
                + "--" + boundary + "--\r\n";
        var multi = server.send(server.envdRequest(sb, "/files").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(multi.status()).isEqualTo(200);
        assertThat(multi.body()).hasSize(2);
        assertThat(multi.body().get(0).path("type").asText()).isEqualTo("file");
        assertThat(multi.body().get(0).path("name").asText()).isEqualTo("one.txt");

        var raw = server.send(server.envdRequest(sb, "/files?path=up/raw.bin&username=user").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("raw bytes")).build());
        assertThat(raw.status()).isEqualTo(200);

        var read = server.send(server.envdRequest(sb, "/files?path=up/two.txt").GET().build());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().asText()).isEqualTo("second");
        assertThat(server.send(server.envdRequest(sb, "/files?path=up/raw.bin").GET().build()).body().asText()).isEqualTo("raw bytes");

        var gz = server.http.send(server.envdRequest(sb, "/files?path=up/two.txt").header("Accept-Encoding", "gzip").GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body())).readAllBytes(),
                StandardCharsets.UTF_8)).isEqualTo("second");

        var missing = server.send(server.envdRequest(sb, "/files?path=up/none").GET().build());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("code").asInt()).isEqualTo(404);
        assertThat(server.send(server.envdRequest(sb, "/files?path=up").GET().build()).status()).isEqualTo(400);
        assertThat(server.send(server.envdRequest(sb, "/files?path=up/two.txt&username=mallory").GET().build()).status()).isEqualTo(401);
    }

    @Test
    void uploadsStoreXMetadataHeadersThatEntriesReportAndTheNextUploadReplaces() {
        var up = server.send(server.envdRequest(sb, "/files?path=meta.txt").header("Content-Type", "application/octet-stream")
                .header("X-Metadata-Owner", "alice").header("X-Metadata-Stage", "draft one")
                .POST(HttpRequest.BodyPublishers.ofString("m")).build());
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.body().get(0).path("metadata").path("owner").asText()).isEqualTo("alice");
        JsonNode entry = server.unary(sb, "filesystem.Filesystem/Stat", "{\"path\":\"meta.txt\"}").body().path("entry");
        assertThat(entry.path("metadata").path("owner").asText()).isEqualTo("alice");
        assertThat(entry.path("metadata").path("stage").asText()).isEqualTo("draft one");
        var again = server.send(server.envdRequest(sb, "/files?path=meta.txt").header("Content-Type", "application/octet-stream")
                .header("X-Metadata-Stage", "final").POST(HttpRequest.BodyPublishers.ofString("m2")).build());
        assertThat(again.status()).isEqualTo(200);
        entry = server.unary(sb, "filesystem.Filesystem/Stat", "{\"path\":\"meta.txt\"}").body().path("entry");
        assertThat(entry.path("metadata").has("owner")).isFalse();
        assertThat(entry.path("metadata").path("stage").asText()).isEqualTo("final");
        var bad = server.send(server.envdRequest(sb, "/files?path=meta.txt").header("Content-Type", "application/octet-stream")
                .header("X-Metadata-Big", "x".repeat(5000)).POST(HttpRequest.BodyPublishers.ofString("m3")).build());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(server.send(server.envdRequest(sb, "/files?path=meta.txt").GET().build()).body().asText()).isEqualTo("m2");
    }

    @Test
    void theAccessTokenOrASignatureIsRequired() {
        var noToken = new E2bTestServer.Created(sb.id(), null, null);
        var rpc = server.unary(noToken, "process.Process/List", "{}");
        assertThat(rpc.status()).isEqualTo(401);
        assertThat(rpc.body().path("code").asText()).isEqualTo("unauthenticated");
        var wrong = new E2bTestServer.Created(sb.id(), "wrong", null);
        assertThat(server.unary(wrong, "process.Process/List", "{}").status()).isEqualTo(401);
        try (var s = server.stream(noToken, "process.Process/Start", "{\"process\":{\"cmd\":\"true\"}}")) {
            assertThat(s.next().json().path("error").path("code").asText()).isEqualTo("unauthenticated");
        }
        assertThat(server.send(server.envdRequest(noToken, "/files?path=x").GET().build()).status()).isEqualTo(401);
        String sig = EnvdFiles.signature("sig.txt", "write", "", sb.token(), null);
        var signed = server.send(server.envdRequest(noToken, "/files?path=sig.txt&signature=" + java.net.URLEncoder.encode(sig, StandardCharsets.UTF_8))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofString("s")).build());
        assertThat(signed.status()).isEqualTo(200);
        long past = java.time.Instant.now().getEpochSecond() - 10;
        String expired = EnvdFiles.signature("sig.txt", "read", "", sb.token(), Long.toString(past));
        assertThat(server.send(server.envdRequest(noToken, "/files?path=sig.txt&signature=" + java.net.URLEncoder.encode(expired, StandardCharsets.UTF_8) + "&signature_expiration=" + past)
                .GET().build()).status()).isEqualTo(401);
        // health needs nothing
        assertThat(server.send(server.envdRequest(noToken, "/health").GET().build()).status()).isEqualTo(204);
    }

    @Test
    void basicAuthSelectsKnownUsersOnly() {
        String user = java.util.Base64.getEncoder().encodeToString("user:".getBytes(StandardCharsets.UTF_8));
        String bad = java.util.Base64.getEncoder().encodeToString("mallory:".getBytes(StandardCharsets.UTF_8));
        var ok = server.send(server.envdRequest(sb, "/filesystem.Filesystem/Stat").header("Content-Type", "application/json")
                .header("Authorization", "Basic " + user).POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"\"}")).build());
        assertThat(ok.status()).isEqualTo(200);
        var refused = server.send(server.envdRequest(sb, "/filesystem.Filesystem/Stat").header("Content-Type", "application/json")
                .header("Authorization", "Basic " + bad).POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"\"}")).build());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().path("message").asText()).contains("invalid username");
    }

    @Test
    void routingByPathPrefixAndByHost() throws Exception {
        var prefixed = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/sandbox/" + sb.id() + "/49983/process.Process/List"))
                .header("Content-Type", "application/json").header("X-Access-Token", sb.token())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(prefixed.status()).isEqualTo(200);
        assertThat(prefixed.body().has("processes") || prefixed.body().isEmpty()).isTrue();
        var otherPort = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/sandbox/" + sb.id() + "/8080/"))
                .GET().build());
        assertThat(otherPort.status()).isEqualTo(502);
        var unknown = server.send(HttpRequest.newBuilder(URI.create(server.url() + "/health")).header("E2b-Sandbox-Id", "nosuch").GET().build());
        assertThat(unknown.status()).isEqualTo(502);
        // the service's own health is untouched without a sandbox
        assertThat(server.send(HttpRequest.newBuilder(URI.create(server.url() + "/health")).GET().build()).status()).isEqualTo(200);

        URI u = URI.create(server.url());
        try (Socket socket = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: 49983-" + sb.id() + ".localhost:" + u.getPort() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().findFirst().orElse("");
            assertThat(status).startsWith("HTTP/1.1 204");
        }
    }

    @Test
    void aPausedSandboxIsUnreachableUntilConnected() {
        var other = server.create("{\"templateID\":\"base\"}");
        assertThat(server.api("POST", "/sandboxes/" + other.id() + "/pause", null).status()).isEqualTo(204);
        assertThat(server.unary(other, "process.Process/List", "{}").status()).isEqualTo(502);
        assertThat(server.api("POST", "/sandboxes/" + other.id() + "/connect", "{\"timeout\":30}").status()).isEqualTo(201);
        assertThat(server.unary(other, "process.Process/List", "{}").status()).isEqualTo(200);
    }
}
