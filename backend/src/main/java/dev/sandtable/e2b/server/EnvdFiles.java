package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sandtable.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * envd's {@code GET /files} (download) and {@code POST /files} (upload, multipart or octet-stream). Access needs the
 * sandbox's X-Access-Token or a valid signature; the user comes from the {@code username} query parameter.
 */
final class EnvdFiles {
    private final E2bSandbox sandbox;
    private final SandboxView view;

    EnvdFiles(E2bSandbox sandbox, SandboxView view) {
        this.sandbox = sandbox;
        this.view = view;
    }

    void handle(HttpExchange ex, String method) throws IOException {
        Map<String, List<String>> q = ControlPlane.query(ex);
        String path = first(q, "path");
        String username = first(q, "username");
        try {
            if (username != null) Envd.checkUser(username);
        } catch (ConnectError e) {
            Envd.plainError(ex, 401, e.getMessage());
            return;
        }
        switch (method) {
            case "GET" -> {
                if (!allowed(ex, q, path, "read", username)) return;
                download(ex, path);
            }
            case "POST" -> {
                if (!allowed(ex, q, path, "write", username)) return;
                upload(ex, path);
            }
            default -> Envd.plainError(ex, 405, "use GET or POST on /files");
        }
    }

    private boolean allowed(HttpExchange ex, Map<String, List<String>> q, String path, String operation, String username)
            throws IOException {
        if (sandbox.accessToken == null) return true;
        String token = ex.getRequestHeaders().getFirst("X-Access-Token");
        if (token != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), sandbox.accessToken.getBytes(StandardCharsets.UTF_8)))
            return true;
        String signature = first(q, "signature");
        if (signature != null) {
            String expiration = first(q, "signature_expiration");
            String expected = signature(path == null ? "" : path, operation, username == null ? "" : username,
                    sandbox.accessToken, expiration);
            boolean fresh = true;
            if (expiration != null) {
                try {
                    fresh = Long.parseLong(expiration) >= Instant.now().getEpochSecond();
                } catch (NumberFormatException e) {
                    fresh = false;
                }
            }
            if (fresh && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8)))
                return true;
            Envd.plainError(ex, 401, fresh ? "the signature is not valid" : "the signature has expired");
            return false;
        }
        Envd.plainError(ex, 401, token == null ? "the request has no X-Access-Token or signature" : "the X-Access-Token is wrong");
        return false;
    }

    /** envd's v1 signature: {@code v1_} + unpadded base64 of SHA-256("path:operation:username:token[:expiration]"). */
    static String signature(String path, String operation, String username, String token, String expiration) {
        String raw = path + ":" + operation + ":" + username + ":" + token + (expiration != null ? ":" + expiration : "");
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
            return "v1_" + Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The content coding for a download, as envd negotiates it: gzip when the request accepts it, else identity unless
     * refused ({@code identity;q=0}, or {@code *;q=0} without identity listed); null when neither is acceptable (406).
     */
    static String encoding(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isBlank()) return "identity";
        Double gzip = null, identity = null, any = null;
        for (String part : acceptEncoding.split(",")) {
            String[] f = part.trim().split(";");
            String coding = f[0].trim().toLowerCase(java.util.Locale.ROOT);
            double q = 1;
            for (int i = 1; i < f.length; i++) {
                String p = f[i].trim();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2).trim());
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            switch (coding) {
                case "gzip", "x-gzip" -> gzip = q;
                case "identity" -> identity = q;
                case "*" -> any = q;
                default -> {
                }
            }
        }
        if (gzip != null ? gzip > 0 : any != null && any > 0) return "gzip";
        if (identity != null ? identity > 0 : any == null || any > 0) return "identity";
        return null;
    }

    private void download(HttpExchange ex, String path) throws IOException {
        if (path == null || path.isEmpty()) {
            Envd.plainError(ex, 400, "the query needs 'path'");
            return;
        }
        String inside = view.resolve(path);
        Path host = view.host(inside);
        if (!Files.exists(host)) {
            Envd.plainError(ex, 404, "file '" + inside + "' does not exist");
            return;
        }
        if (Files.isDirectory(host)) {
            Envd.plainError(ex, 400, "path '" + inside + "' is a directory");
            return;
        }
        String encoding = encoding(ex.getRequestHeaders().getFirst("Accept-Encoding"));
        if (encoding == null) {
            Envd.plainError(ex, 406, "no acceptable encoding found, supported: [identity, gzip]");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.getResponseHeaders().set("Content-Disposition", "inline; filename=" + host.getFileName());
        if (encoding.equals("gzip")) {
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.getResponseHeaders().set("Vary", "Accept-Encoding");
            try (InputStream in = Files.newInputStream(host)) {
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = new java.util.zip.GZIPOutputStream(ex.getResponseBody())) {
                    in.transferTo(out);
                }
            }
            return;
        }
        try (InputStream in = Files.newInputStream(host)) {
            ex.sendResponseHeaders(200, Files.size(host) == 0 ? -1 : Files.size(host));
            try (OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    private void upload(HttpExchange ex, String path) throws IOException {
        String contentType = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        Map<String, String> metadata;
        try {
            metadata = FileMetadata.fromHeaders(ex.getRequestHeaders());
        } catch (IllegalArgumentException e) {
            Envd.plainError(ex, 400, e.getMessage());
            return;
        }
        ArrayNode written = Json.mapper().createArrayNode();
        if (contentType.startsWith("multipart/form-data")) {
            List<Multipart.Part> parts;
            try (InputStream in = ex.getRequestBody()) {
                parts = Multipart.parse(in.readAllBytes(), Multipart.boundary(contentType));
            } catch (IllegalArgumentException e) {
                Envd.plainError(ex, 400, "bad multipart body: " + e.getMessage());
                return;
            }
            List<String> targets = new ArrayList<>();
            List<Multipart.Part> files = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Multipart.Part p : parts) {
                if (!"file".equals(p.name())) continue;
                String target = path != null && !path.isEmpty() ? path : p.filename();
                if (target == null || target.isEmpty()) {
                    Envd.plainError(ex, 400, "a file part has no filename and the query has no 'path'");
                    return;
                }
                String inside = view.resolve(target);
                if (!seen.add(inside)) {
                    Envd.plainError(ex, 400, "two parts upload to the same path " + inside);
                    return;
                }
                targets.add(inside);
                files.add(p);
            }
            if (files.isEmpty()) {
                Envd.plainError(ex, 400, "the multipart body has no 'file' part");
                return;
            }
            for (int i = 0; i < files.size(); i++) {
                if (!write(ex, targets.get(i), new java.io.ByteArrayInputStream(files.get(i).content()), metadata)) return;
                written.add(info(targets.get(i), metadata));
            }
        } else {
            if (path == null || path.isEmpty()) {
                Envd.plainError(ex, 400, "an octet-stream upload needs 'path' in the query");
                return;
            }
            String inside = view.resolve(path);
            InputStream body = ex.getRequestBody();
            if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) body = new GZIPInputStream(body);
            try (InputStream in = body) {
                if (!write(ex, inside, in, metadata)) return;
            }
            written.add(info(inside, metadata));
        }
        ControlPlane.sendJson(ex, 200, written);
    }

    /** Writes in place, as envd does (a watcher sees the file's own create and write events). */
    private boolean write(HttpExchange ex, String inside, InputStream content, Map<String, String> metadata) throws IOException {
        Path host = view.host(inside);
        if (Files.isDirectory(host)) {
            Envd.plainError(ex, 400, "path '" + inside + "' is a directory");
            return false;
        }
        try {
            Files.createDirectories(host.getParent());
            try (OutputStream out = Files.newOutputStream(host)) {
                content.transferTo(out);
            }
            FileMetadata.write(host, metadata);
            return true;
        } catch (IOException e) {
            boolean full = e.getMessage() != null && e.getMessage().contains("No space left");
            Envd.plainError(ex, full ? 507 : 500, "cannot write '" + inside + "': " + e.getMessage());
            return false;
        }
    }

    private static ObjectNode info(String inside, Map<String, String> metadata) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("path", inside);
        Path name = Path.of(inside).getFileName();
        n.put("name", name == null ? inside : name.toString());
        n.put("type", "file");
        if (!metadata.isEmpty()) metadata.forEach(n.putObject("metadata")::put);
        return n;
    }

    private static String first(Map<String, List<String>> q, String key) {
        List<String> v = q.get(key);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
