package dev.sandtable.e2b.server;

import dev.sandtable.testing.OpenApiSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * envd's plain-HTTP endpoints against envd.yaml, field by field (the same {@link OpenApiSpec} checker as the control
 * plane's openapi.yml): every documented status this server can be made to answer, success and error bodies alike.
 */
class EnvdHttpContractTest {
    /** Public (not x-internal) operations of envd.yaml this server does not serve, and why. */
    static final Map<String, String> NOT_SERVED = Map.of(
            "GET /metrics", "no SDK calls it (sandbox metrics come from the control plane)",
            "GET /envs", "no SDK calls it",
            "POST /files/compose", "no SDK calls it (e2b 2.51 has it only in its generated types)");
    static final Set<String> SERVED = Set.of("GET /health", "GET /files", "POST /files");

    @TempDir
    static Path dir;
    static E2bTestServer server;
    static E2bTestServer.Created sb;
    static Path workspace;
    static OpenApiSpec spec;

    @BeforeAll
    static void start() {
        spec = OpenApiSpec.shared("e2b/envd.yaml");
        server = new E2bTestServer(dir, E2bTestServer.NONE);
        sb = server.create("{\"templateID\":\"base\"}");
        workspace = server.workspace(sb);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder b) throws Exception {
        return server.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends, checks the status, and checks the whole response against envd.yaml. */
    private static HttpResponse<byte[]> conforms(String method, String template, HttpRequest.Builder b, int status) throws Exception {
        HttpResponse<byte[]> r = send(b);
        assertThat(r.statusCode()).as(method + " " + template + ": " + new String(r.body())).isEqualTo(status);
        spec.assertResponse(method, template, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        return r;
    }

    @Test
    void everyPublicOperationOfTheSpecIsServedOrKnownNotToBe() {
        Set<String> accounted = new TreeSet<>(SERVED);
        accounted.addAll(NOT_SERVED.keySet());
        assertThat(new TreeSet<>(spec.operations(false))).as("envd.yaml changed: serve the new operation or list it as not served")
                .isEqualTo(accounted);
    }

    @Test
    void healthIs204WithoutABody() throws Exception {
        var noToken = new E2bTestServer.Created(sb.id(), null, null);
        conforms("GET", "/health", server.envdRequest(noToken, "/health").GET(), 204);
    }

    @Test
    void downloadsAndTheirErrors() throws Exception {
        Files.createDirectories(workspace.resolve("c"));
        Files.writeString(workspace.resolve("c/a.txt"), "abc");
        var ok = conforms("GET", "/files", server.envdRequest(sb, "/files?path=c/a.txt").GET(), 200);
        assertThat(new String(ok.body())).isEqualTo("abc");
        conforms("GET", "/files", server.envdRequest(sb, "/files?path=c/a.txt").header("Accept-Encoding", "gzip").GET(), 200);
        conforms("GET", "/files", server.envdRequest(sb, "/files?path=c").GET(), 400);
        conforms("GET", "/files", server.envdRequest(sb, "/files").GET(), 400);
        conforms("GET", "/files", server.envdRequest(sb, "/files?path=c/a.txt&username=mallory").GET(), 401);
        conforms("GET", "/files", server.envdRequest(new E2bTestServer.Created(sb.id(), "wrong", null), "/files?path=c/a.txt").GET(), 401);
        conforms("GET", "/files", server.envdRequest(sb, "/files?path=c/none.txt").GET(), 404);
        var refused = conforms("GET", "/files", server.envdRequest(sb, "/files?path=c/a.txt")
                .header("Accept-Encoding", "br, identity;q=0").GET(), 406);
        assertThat(new String(refused.body())).contains("supported: [identity, gzip]");
        conforms("GET", "/files", server.envdRequest(sb, "/files?path=c/a.txt").header("Accept-Encoding", "br, *;q=0").GET(), 406);
    }

    @Test
    void uploadsAndTheirErrors() throws Exception {
        String boundary = "c0ntract";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u/one.txt\"\r\n\r\n1\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u/two.txt\"\r\n\r\n2\r\n"
                + "--" + boundary + "--\r\n";
        conforms("POST", "/files", server.envdRequest(sb, "/files").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart)), 200);
        var withMeta = conforms("POST", "/files", server.envdRequest(sb, "/files?path=u/raw.bin").header("Content-Type", "application/octet-stream")
                .header("X-Metadata-Owner", "alice").POST(HttpRequest.BodyPublishers.ofString("raw")), 200);
        assertThat(new String(withMeta.body())).contains("\"owner\":\"alice\"");
        conforms("POST", "/files", server.envdRequest(sb, "/files?path=u").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("x")), 400);
        conforms("POST", "/files", server.envdRequest(sb, "/files").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("x")), 400);
        conforms("POST", "/files", server.envdRequest(sb, "/files?path=u/m.txt").header("Content-Type", "application/octet-stream")
                .header("X-Metadata-Big", "x".repeat(5000)).POST(HttpRequest.BodyPublishers.ofString("x")), 400);
        conforms("POST", "/files", server.envdRequest(sb, "/files?path=u/x.txt&username=mallory").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("x")), 401);
    }

    @Test
    void negotiatesTheDownloadEncodingAsEnvdDoes() {
        assertThat(EnvdFiles.encoding(null)).isEqualTo("identity");
        assertThat(EnvdFiles.encoding("gzip, deflate")).isEqualTo("gzip");
        assertThat(EnvdFiles.encoding("gzip;q=0, identity")).isEqualTo("identity");
        assertThat(EnvdFiles.encoding("br")).isEqualTo("identity");
        assertThat(EnvdFiles.encoding("*")).isEqualTo("gzip");
        assertThat(EnvdFiles.encoding("identity;q=0")).isNull();
        assertThat(EnvdFiles.encoding("gzip;q=0, *;q=0")).isNull();
    }
}
