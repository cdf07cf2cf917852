package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.sandtable.testing.OpenApiSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * execd's PTY routes ({@code opensandbox/pty-api.yml}, written down from execd's pty_controller.go and pty_ws.go) on
 * the test server's Vert.x listener, with real bash processes in pty4j PTYs. Requests, REST answers and every JSON
 * frame in either direction are checked against that spec; what does not conform goes to the server's violations.
 * Implemented as far as Sandtable uses it: create/status/delete, one WebSocket per session (409 otherwise, or
 * {@code takeover=1} closing the holder with 4001), {@code since} replay, resize, signals, ping, the exit frame.
 */
final class ExecdPtyTestRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OpenApiSpec spec;
    private final OpenSandboxTestServer server;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Sent as is after the {@code connected} frame (a String as a text frame, a byte[] as a binary one): tests of bad frames. */
    volatile Object inject;
    /** Upgrade, but never send {@code connected} (nor anything else). */
    volatile boolean silent;

    private final class Session {
        final String id, cwd, command;
        final ByteArrayOutputStream replay = new ByteArrayOutputStream();
        PtyProcess process;
        ServerWebSocket holder;
        Integer exitCode;

        Session(String id, String cwd, String command) {
            this.id = id;
            this.cwd = cwd;
            this.command = command;
        }

        synchronized boolean running() {
            return process != null && exitCode == null;
        }

        /**
         * Starts bash as execd's StartPTY does: {@code bash --norc --noprofile [-c command]}, 80x24, execd's environment;
         * HOME is the "sandbox's" own empty directory, so a login shell does not run this machine's dotfiles.
         */
        synchronized void start() throws IOException {
            if (process != null) return;
            List<String> argv = new java.util.ArrayList<>(List.of("bash", "--norc", "--noprofile"));
            if (command != null && !command.isEmpty()) argv.addAll(List.of("-c", command));
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("HOME", home().toString());
            PtyProcessBuilder b = new PtyProcessBuilder(argv.toArray(String[]::new)).setEnvironment(env)
                    .setInitialColumns(80).setInitialRows(24).setConsole(false);
            if (cwd != null) b.setDirectory(cwd);
            process = b.start();
            // pty4j's reads block in native code: a platform thread, never a virtual one
            Thread.ofPlatform().daemon().name("execd-pty-" + id).start(this::pump);
        }

        private void pump() {
            byte[] buf = new byte[32 * 1024];
            InputStream in = process.getInputStream();
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    byte[] frame = new byte[n + 1];
                    frame[0] = ExecdPty.STDOUT;
                    System.arraycopy(buf, 0, frame, 1, n);
                    synchronized (this) {
                        replay.write(buf, 0, n);
                        if (holder != null) binary(holder, frame);
                    }
                }
            } catch (IOException e) {
                // the PTY closes when bash exits
            }
            int code;
            try {
                code = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            synchronized (this) {
                exitCode = code;
                if (holder != null) {
                    text(holder, JSON.createObjectNode().put("type", "exit").put("exit_code", code));
                    holder.close((short) 1000, "process exited");
                }
            }
        }

        synchronized void attach(ServerWebSocket ws, long since) {
            holder = ws;
            ws.closeHandler(v -> {
                synchronized (this) {
                    if (holder == ws) holder = null;
                }
            });
            if (silent) return;
            byte[] all = replay.toByteArray();
            if (since < all.length) {
                ByteBuffer frame = ByteBuffer.allocate(9 + all.length - (int) since).put(ExecdPty.REPLAY).putLong(since);
                frame.put(all, (int) since, all.length - (int) since);
                binary(ws, frame.array());
            }
            text(ws, JSON.createObjectNode().put("type", "connected").put("session_id", id).put("mode", "pty"));
            Object raw = inject;
            if (raw instanceof String t) ws.writeTextMessage(t);
            else if (raw instanceof byte[] b) binary(ws, b);
            ws.binaryMessageHandler(b -> stdin(ws, b));
            ws.textMessageHandler(t -> clientText(ws, t));
            if (exitCode != null) { // bash ended while nobody was attached
                text(ws, JSON.createObjectNode().put("type", "exit").put("exit_code", exitCode));
                ws.close((short) 1000, "process exited");
            }
        }

        private void stdin(ServerWebSocket ws, Buffer b) {
            if (b.length() == 0 || b.getByte(0) != ExecdPty.STDIN) {
                server.record("execd PTY: the client sent a binary frame that is not 0x00+stdin");
                return;
            }
            try {
                process.getOutputStream().write(b.getBytes(1, b.length()));
                process.getOutputStream().flush();
            } catch (IOException e) {
                text(ws, JSON.createObjectNode().put("type", "error").put("code", "STDIN_WRITE_FAILED").put("error", e.getMessage()));
                ws.close();
            }
        }

        private void clientText(ServerWebSocket ws, String t) {
            JsonNode f;
            try {
                f = JSON.readTree(t);
            } catch (IOException e) {
                server.record("execd PTY: the client sent a text frame that is not JSON: " + t);
                return;
            }
            List<String> bad = spec.validate(spec.schema("ClientFrame"), f);
            if (!bad.isEmpty()) server.record("execd PTY client frame " + t + ": " + bad);
            switch (f.path("type").asText()) {
                case "resize" -> {
                    if (f.path("cols").asInt() > 0 && f.path("rows").asInt() > 0)
                        process.setWinSize(new WinSize(f.get("cols").asInt(), f.get("rows").asInt()));
                }
                case "signal" -> {
                    String name = f.path("signal").asText();
                    Thread.ofVirtual().start(() -> signal(name)); // runs kill(1): not on the event loop
                }
                case "ping" -> text(ws, JSON.createObjectNode().put("type", "pong"));
                case "stdin" -> stdin(ws, Buffer.buffer().appendByte(ExecdPty.STDIN).appendString(f.path("data").asText()));
                default -> text(ws, JSON.createObjectNode().put("type", "error").put("code", "INVALID_FRAME")
                        .put("error", "unknown frame type \"" + f.path("type").asText() + "\""));
            }
        }

        /** To the process group, as execd does (bash is a session leader in its PTY). */
        private void signal(String name) {
            String sig = switch (name) {
                case "SIGINT", "SIGTERM", "SIGKILL", "SIGQUIT", "SIGHUP" -> name.substring(3);
                default -> null;
            };
            if (sig == null || process == null) return;
            try {
                int rc = new ProcessBuilder("kill", "-s", sig, "--", "-" + process.pid()).start().waitFor();
                if (rc != 0) server.record("execd PTY: kill -s " + sig + " -- -" + process.pid() + " failed with " + rc);
            } catch (IOException e) {
                server.record("execd PTY: cannot signal: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized void destroy() {
            if (process != null) process.destroyForcibly();
            if (holder != null) holder.close((short) 1000, "session deleted");
        }
    }

    private java.nio.file.Path home;

    private synchronized java.nio.file.Path home() throws IOException {
        if (home == null) home = java.nio.file.Files.createTempDirectory("execd-pty-home");
        return home;
    }

    ExecdPtyTestRoutes(OpenSandboxTestServer server, OpenApiSpec spec) {
        this.server = server;
        this.spec = spec;
    }

    /** One request to {@code path} (below the execd endpoint), which starts with {@code /pty}. */
    void handle(HttpServerRequest req, String path) {
        String method = req.method().name();
        String template = spec.pathTemplate(path);
        if (template == null) {
            server.record("the client called execd " + method + " " + path + ", which pty-api.yml does not define");
            req.response().setStatusCode(404).end();
            return;
        }
        String[] seg = path.split("/");
        if (template.equals("/pty/{sessionId}/ws")) {
            webSocket(req, seg[2]);
            return;
        }
        req.body().onSuccess(body -> {
            List<String> bad = spec.requestViolations(method, template, req.getHeader("Content-Type"), body.getBytes());
            if (!bad.isEmpty()) server.record("execd request " + method + " " + path + ": " + bad);
            switch (method + " " + template) {
                case "POST /pty" -> {
                    JsonNode in = parse(body);
                    String id = "pty-" + ids.incrementAndGet();
                    sessions.put(id, new Session(id, in.path("cwd").asText(null), in.path("command").asText(null)));
                    reply(req, method, template, 201, JSON.createObjectNode().put("session_id", id));
                }
                case "GET /pty/{sessionId}" -> {
                    Session s = sessions.get(seg[2]);
                    if (s == null) notFound(req, method, template, seg[2]);
                    else synchronized (s) {
                        reply(req, method, template, 200, JSON.createObjectNode().put("session_id", s.id).put("running", s.running())
                                .put("output_offset", s.replay.size()));
                    }
                }
                case "DELETE /pty/{sessionId}" -> {
                    Session s = sessions.remove(seg[2]);
                    if (s == null) notFound(req, method, template, seg[2]);
                    else {
                        s.destroy();
                        reply(req, method, template, 200, null);
                    }
                }
                default -> reply(req, method, template, 500, error("NOT_IMPLEMENTED", template));
            }
        });
    }

    private void webSocket(HttpServerRequest req, String id) {
        String template = "/pty/{sessionId}/ws";
        Session s = sessions.get(id);
        if (s == null) {
            notFound(req, "GET", template, id);
            return;
        }
        boolean takeover = "1".equals(req.getParam("takeover"));
        long since = parseLong(req.getParam("since")); // execd's default is 0: everything it kept
        ServerWebSocket evicted;
        synchronized (s) {
            evicted = s.holder;
            if (evicted != null && !takeover) {
                reply(req, "GET", template, 409, error("ALREADY_CONNECTED", "another client is already connected to pty session " + id));
                return;
            }
            if (evicted != null) s.holder = null;
        }
        if (evicted != null) evicted.close((short) ExecdPty.TAKEN_OVER, "TAKEN_OVER");
        req.toWebSocket().onSuccess(ws -> {
            try {
                s.start();
            } catch (IOException e) {
                text(ws, JSON.createObjectNode().put("type", "error").put("code", "START_FAILED").put("error", e.getMessage()));
                ws.close();
                return;
            }
            s.attach(ws, since);
        }).onFailure(e -> server.record("execd PTY: the WebSocket upgrade failed: " + e));
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void text(ServerWebSocket ws, ObjectNode frame) {
        List<String> bad = spec.validate(spec.schema("ServerFrame"), frame);
        if (!bad.isEmpty()) server.record("execd PTY server frame " + frame + ": " + bad);
        try {
            ws.writeTextMessage(frame.toString());
        } catch (IllegalStateException closed) {
            // the client went away
        }
    }

    private static void binary(ServerWebSocket ws, byte[] frame) {
        try {
            ws.writeBinaryMessage(Buffer.buffer(frame));
        } catch (IllegalStateException closed) {
            // the client went away
        }
    }

    private void notFound(HttpServerRequest req, String method, String template, String id) {
        reply(req, method, template, 404, error("CONTEXT_NOT_FOUND", "pty session " + id + " not found"));
    }

    private void reply(HttpServerRequest req, String method, String template, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> v = spec.violations(method, template, status, body == null ? null : "application/json", bytes);
        if (!v.isEmpty()) server.record("execd response " + method + " " + template + " " + status + ": " + v);
        if (body != null) req.response().putHeader("Content-Type", "application/json");
        req.response().setStatusCode(status).end(Buffer.buffer(bytes));
    }

    private static JsonNode parse(Buffer body) {
        try {
            return body.length() == 0 ? JSON.createObjectNode() : JSON.readTree(body.getBytes());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static ObjectNode error(String code, String message) {
        return JSON.createObjectNode().put("code", code).put("message", message);
    }

    void close() {
        sessions.values().forEach(Session::destroy);
        sessions.clear();
        synchronized (this) {
            if (home != null) try (var files = java.nio.file.Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp directory left behind
            }
        }
    }
}
