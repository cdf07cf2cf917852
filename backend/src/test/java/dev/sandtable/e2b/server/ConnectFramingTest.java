package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectFramingTest {
    @Test
    void anEnvelopeIsAFlagByteABigEndianLengthAndThePayload() {
        byte[] e = ConnectFraming.envelope(0, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(e).hasSize(5 + 7);
        assertThat(e[0]).isZero();
        assertThat(new byte[]{e[1], e[2], e[3], e[4]}).containsExactly(0, 0, 0, 7);
        assertThat(new String(e, 5, 7, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        byte[] big = ConnectFraming.envelope(0, new byte[0x010203]);
        assertThat(new byte[]{big[1], big[2], big[3], big[4]}).containsExactly(0, 1, 2, 3);
    }

    @Test
    void messagesAndTheEndOfStreamReadBackInOrder() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConnectFraming.write(out, Json.mapper().readTree("{\"start\":{}}"));
        ConnectFraming.writeEnd(out, null);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        ConnectFraming.Envelope first = ConnectFraming.read(in);
        assertThat(first.endStream()).isFalse();
        assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"start\":{}}");
        ConnectFraming.Envelope end = ConnectFraming.read(in);
        assertThat(end.flags()).isEqualTo(ConnectFraming.FLAG_END_STREAM);
        assertThat(new String(end.payload(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(ConnectFraming.read(in)).isNull();
    }

    @Test
    void anErrorTravelsInTheEndOfStreamEnvelope() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConnectFraming.writeEnd(out, ConnectError.notFound("process with pid 9 not found"));
        ConnectFraming.Envelope end = ConnectFraming.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(end.endStream()).isTrue();
        JsonNode json = Json.mapper().readTree(end.payload());
        assertThat(json.path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(json.path("error").path("message").asText()).isEqualTo("process with pid 9 not found");
    }

    @Test
    void truncatedAndOversizedEnvelopesAreRefused() {
        byte[] e = ConnectFraming.envelope(0, "{\"path\":\"/x\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ConnectFraming.read(new ByteArrayInputStream(java.util.Arrays.copyOf(e, e.length - 2))))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("invalid_argument"));
        assertThatThrownBy(() -> ConnectFraming.read(new ByteArrayInputStream(new byte[]{0, 1, 2})))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("invalid_argument"));
        assertThatThrownBy(() -> ConnectFraming.read(new ByteArrayInputStream(new byte[]{(byte) 0x80, 0, 0, 0, 0})))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.getMessage()).contains("0x80"));
        byte[] justOver = {0, 0, 0x40, 0, 1}; // 4 MiB + 1
        assertThatThrownBy(() -> ConnectFraming.read(new ByteArrayInputStream(justOver)))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("resource_exhausted"));
        assertThatThrownBy(() -> ConnectFraming.read(new ByteArrayInputStream(new byte[]{0, 0x7f, 0, 0, 0})))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("resource_exhausted"));
    }

    @Test
    void theRequestOfAStreamMustBeAnUncompressedJsonObject() throws Exception {
        JsonNode req = ConnectFraming.readRequest(new ByteArrayInputStream(
                ConnectFraming.envelope(0, "{\"path\":\"/x\"}".getBytes(StandardCharsets.UTF_8))));
        assertThat(req.path("path").asText()).isEqualTo("/x");
        assertThatThrownBy(() -> ConnectFraming.readRequest(new ByteArrayInputStream(new byte[0])))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("invalid_argument"));
        assertThatThrownBy(() -> ConnectFraming.readRequest(new ByteArrayInputStream(ConnectFraming.envelope(1, new byte[]{1}))))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("unimplemented"));
        assertThatThrownBy(() -> ConnectFraming.readRequest(new ByteArrayInputStream(ConnectFraming.envelope(0, "[1]".getBytes()))))
                .isInstanceOfSatisfying(ConnectError.class, c -> assertThat(c.code()).isEqualTo("invalid_argument"));
    }

    @Test
    void protoJsonAcceptsBothNameFormsEnumNumbersAndBothBase64Alphabets() throws Exception {
        JsonNode m = Json.mapper().readTree("{\"include_entry\":true,\"exitCode\":\"7\",\"signal\":9,\"a\":\"-_8=\",\"b\":\"+/8=\"}");
        assertThat(ProtoJson.bool(m, "includeEntry", "include_entry")).isTrue();
        assertThat(ProtoJson.number(m, "exitCode", "exit_code")).isEqualTo(7);
        assertThat(ProtoJson.enumValue(m.get("signal"), java.util.Map.of())).isEqualTo(9);
        assertThat(ProtoJson.enumValue(Json.mapper().readTree("\"SIGNAL_SIGKILL\""), java.util.Map.of("SIGNAL_SIGKILL", 9))).isEqualTo(9);
        assertThat(ProtoJson.bytes(m.get("a"))).containsExactly(0xfb, 0xff);
        assertThat(ProtoJson.bytes(m.get("b"))).containsExactly(0xfb, 0xff);
    }

    @Test
    void sandboxRoutesComeFromThePathPrefixTheHeadersOrTheHost() {
        assertThat(SandboxRoute.of("/sandbox/sbabc/49983/process.Process/Start", null, null, null))
                .isEqualTo(new SandboxRoute("sbabc", 49983, "/process.Process/Start"));
        assertThat(SandboxRoute.of("/files", "sbabc", "49983", "127.0.0.1:1"))
                .isEqualTo(new SandboxRoute("sbabc", 49983, "/files"));
        assertThat(SandboxRoute.of("/health", "sbabc", null, null).port()).isEqualTo(49983);
        assertThat(SandboxRoute.of("/health", null, null, "49983-sbabc.localhost:8080"))
                .isEqualTo(new SandboxRoute("sbabc", 49983, "/health"));
        assertThat(SandboxRoute.of("/v2/sandboxes", null, null, "127.0.0.1:8080")).isNull();
        assertThat(SandboxRoute.of("/sandboxes/sbabc", null, null, "localhost")).isNull();
    }

    @Test
    void multipartPartsKeepTheirNamesFilenamesAndBytes() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"/home/user/a.txt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nline1\r\nline2\r\n--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\n\r\n\r\n--XyZ--\r\n";
        var parts = Multipart.parse(body.getBytes(StandardCharsets.UTF_8), Multipart.boundary("multipart/form-data; boundary=XyZ"));
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).name()).isEqualTo("file");
        assertThat(parts.get(0).filename()).isEqualTo("/home/user/a.txt");
        assertThat(new String(parts.get(0).content(), StandardCharsets.UTF_8)).isEqualTo("line1\r\nline2");
        assertThat(parts.get(1).filename()).isEqualTo("b.bin");
        assertThat(parts.get(1).content()).isEmpty();
    }

    @Test
    void signaturesFollowEnvdsV1Scheme() throws Exception {
        String raw = "/home/user/a.txt:read:user:tok:1700000000";
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
        assertThat(EnvdFiles.signature("/home/user/a.txt", "read", "user", "tok", "1700000000"))
                .isEqualTo("v1_" + java.util.Base64.getEncoder().withoutPadding().encodeToString(hash));
    }
}
