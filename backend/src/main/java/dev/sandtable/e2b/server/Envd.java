package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * envd, the in-sandbox daemon of E2B, for one local sandbox: the Connect RPCs of {@code process.Process} and
 * {@code filesystem.Filesystem} with the JSON codec, plus {@code /health} and {@code /files}.
 */
final class Envd {
    /** The envd feature level reported to SDKs: closeStdin, octet-stream uploads, includeEntry, allowNetworkMounts. */
    static final String VERSION = "0.6.4";
    /** envd's port: the only sandbox port this server serves. */
    static final int PORT = 49983;
    static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(90);
    /** The Connect RPCs served; any other path under the two services is answered HTTP 404 (Connect: unimplemented). */
    static final java.util.Set<String> RPCS = java.util.Set.of("process.Process/List", "process.Process/Start",
            "process.Process/Connect", "process.Process/StreamInput", "process.Process/SendInput", "process.Process/Update",
            "process.Process/SendSignal", "process.Process/CloseStdin", "filesystem.Filesystem/Stat",
            "filesystem.Filesystem/ListDir", "filesystem.Filesystem/MakeDir", "filesystem.Filesystem/Move",
            "filesystem.Filesystem/Remove", "filesystem.Filesystem/WatchDir", "filesystem.Filesystem/CreateWatcher",
            "filesystem.Filesystem/GetWatcherEvents", "filesystem.Filesystem/RemoveWatcher");
    private static final Map<String, Integer> SIGNALS = Map.of("SIGNAL_UNSPECIFIED", 0, "SIGNAL_SIGTERM", 15, "SIGNAL_SIGKILL", 9);

    private final E2bSandbox sandbox;
    private final SandboxView view;

    Envd(E2bSandbox sandbox, SandboxView view) {
        this.sandbox = sandbox;
        this.view = view;
    }

    /** Serves one request whose path has been stripped of any routing prefix. */
    void handle(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/health")) {
            ex.sendResponseHeaders(204, -1);
            return;
        }
        if (path.equals("/files")) {
            new EnvdFiles(sandbox, view).handle(ex, method);
            return;
        }
        boolean rpc = path.startsWith("/process.Process/") || path.startsWith("/filesystem.Filesystem/");
        if (!rpc) {
            plainError(ex, 404, "no such envd endpoint: " + method + " " + path);
            return;
        }
        String rpcName = path.substring(1);
        if (!RPCS.contains(rpcName)) {
            // connect-go's mux answers unknown procedures 404, which Connect clients read as unimplemented
            unaryError(ex, 404, new ConnectError("unimplemented", rpcName + " is not a method of envd"));
            return;
        }
        if (!method.equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            plainError(ex, 405, "Connect RPCs are called with POST");
            return;
        }
        String contentType = codec(ex.getRequestHeaders().getFirst("Content-Type"));
        boolean streaming = contentType.equals("application/connect+json");
        if (!streaming && !contentType.equals("application/json")) {
            // the Connect protocol: an unsupported codec is HTTP 415, naming the accepted types
            ex.getResponseHeaders().set("Accept-Post", "application/json, application/connect+json");
            unaryError(ex, 415, new ConnectError("unimplemented",
                    "only the Connect JSON codec is supported (application/json, application/connect+json), not '" + contentType + "'"));
            return;
        }
        try {
            checkAccess(ex);
            if (streaming) {
                stream(ex, rpcName);
            } else {
                JsonNode req;
                try (InputStream in = ex.getRequestBody()) {
                    req = ProtoJson.parse(ConnectFraming.readUnary(in));
                }
                unaryReply(ex, 200, unary(rpcName, req));
            }
        } catch (ConnectError e) {
            if (streaming) new ConnectStream(ex).end(e);
            else unaryError(ex, e);
        }
    }

    /** The media type of a Content-Type header, lower case, without parameters such as charset. */
    static String codec(String contentType) {
        if (contentType == null) return "";
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private void checkAccess(HttpExchange ex) {
        if (sandbox.accessToken != null) {
            String given = ex.getRequestHeaders().getFirst("X-Access-Token");
            if (given == null || !java.security.MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    sandbox.accessToken.getBytes(StandardCharsets.UTF_8)))
                throw new ConnectError("unauthenticated", given == null ? "the request has no X-Access-Token"
                        : "the X-Access-Token is wrong");
        }
        user(ex);
    }

    /** The user from {@code Authorization: Basic base64(user:)}; everything runs as the service's own user anyway. */
    static String user(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) return "user";
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ConnectError("unauthenticated", "the Authorization header is not valid Basic auth");
        }
        String name = decoded.contains(":") ? decoded.substring(0, decoded.indexOf(':')) : decoded;
        return checkUser(name);
    }

    static String checkUser(String name) {
        if (name.isEmpty() || name.equals("user") || name.equals("root") || name.equals(System.getProperty("user.name")))
            return name.isEmpty() ? "user" : name;
        throw new ConnectError("unauthenticated", "invalid username: '" + name + "'");
    }

    // ------------------------------------------------------------ unary

    private JsonNode unary(String rpc, JsonNode req) {
        EnvdFilesystem fs = new EnvdFilesystem(view);
        return switch (rpc) {
            case "process.Process/List" -> list();
            case "process.Process/SendInput" -> {
                EnvdProcess p = sandbox.processes.select(ProtoJson.field(req, "process"), false);
                JsonNode input = ProtoJson.field(req, "input");
                if (ProtoJson.has(input, "pty", null)) p.writePty(ProtoJson.bytes(ProtoJson.field(input, "pty")));
                else if (ProtoJson.has(input, "stdin", null)) p.writeStdin(ProtoJson.bytes(ProtoJson.field(input, "stdin")));
                yield ProtoJson.object();
            }
            case "process.Process/Update" -> {
                EnvdProcess p = sandbox.processes.select(ProtoJson.field(req, "process"), false);
                JsonNode size = ProtoJson.field(ProtoJson.field(req, "pty"), "size");
                if (!size.isMissingNode())
                    p.resize((int) ProtoJson.number(size, "cols", null), (int) ProtoJson.number(size, "rows", null));
                yield ProtoJson.object();
            }
            case "process.Process/SendSignal" -> {
                EnvdProcess p = sandbox.processes.select(ProtoJson.field(req, "process"), false);
                int signal = ProtoJson.enumValue(ProtoJson.field(req, "signal"), SIGNALS);
                if (signal != EnvdProcess.SIGKILL && signal != EnvdProcess.SIGTERM)
                    throw new ConnectError("unimplemented", "only SIGNAL_SIGTERM and SIGNAL_SIGKILL are supported");
                p.signal(signal);
                yield ProtoJson.object();
            }
            case "process.Process/CloseStdin" -> {
                sandbox.processes.select(ProtoJson.field(req, "process"), false).closeStdin();
                yield ProtoJson.object();
            }
            case "filesystem.Filesystem/Stat" -> fs.stat(req);
            case "filesystem.Filesystem/ListDir" -> fs.listDir(req);
            case "filesystem.Filesystem/MakeDir" -> fs.makeDir(req);
            case "filesystem.Filesystem/Move" -> fs.move(req);
            case "filesystem.Filesystem/Remove" -> fs.remove(req);
            case "filesystem.Filesystem/CreateWatcher" -> createWatcher(req);
            case "filesystem.Filesystem/GetWatcherEvents" -> watcherEvents(req);
            case "filesystem.Filesystem/RemoveWatcher" -> {
                DirWatch w = sandbox.watchers.remove(ProtoJson.field(req, "watcherId", "watcher_id").asText(""));
                if (w == null) throw ConnectError.notFound("no such watcher");
                w.close();
                yield ProtoJson.object();
            }
            case "process.Process/Start", "process.Process/Connect", "filesystem.Filesystem/WatchDir" ->
                    throw ConnectError.invalidArgument(rpc + " is a streaming RPC: use Content-Type application/connect+json");
            default -> throw new ConnectError("unimplemented", rpc + " is not implemented");
        };
    }

    private DirWatch openWatch(JsonNode req) {
        String path = view.resolve(ProtoJson.string(req, "path"));
        Path host = view.host(path);
        if (!Files.exists(host)) throw ConnectError.notFound("path '" + path + "' does not exist");
        if (!Files.isDirectory(host)) throw ConnectError.invalidArgument("path '" + path + "' is not a directory");
        try {
            return DirWatch.open(new WatchTarget(path, host, ProtoJson.bool(req, "recursive", null),
                    ProtoJson.bool(req, "includeEntry", "include_entry")));
        } catch (IOException e) {
            throw ConnectError.internal("cannot watch '" + path + "': " + e.getMessage());
        }
    }

    private JsonNode createWatcher(JsonNode req) {
        DirWatch w = openWatch(req);
        String id = java.util.UUID.randomUUID().toString();
        sandbox.watchers.put(id, w);
        ObjectNode out = ProtoJson.object();
        out.put("watcherId", id);
        return out;
    }

    private JsonNode watcherEvents(JsonNode req) {
        String id = ProtoJson.field(req, "watcherId", "watcher_id").asText("");
        DirWatch w = sandbox.watchers.get(id);
        if (w == null) throw ConnectError.notFound("watcher '" + id + "' not found");
        ArrayNode events = Json.mapper().createArrayNode();
        ObjectNode ev;
        while ((ev = w.events().poll()) != null) {
            if (ev.isEmpty()) {
                sandbox.watchers.remove(id, w);
                w.close();
                throw ConnectError.internal(w.failure());
            }
            events.add(ev.get("filesystem"));
        }
        ObjectNode out = ProtoJson.object();
        out.set("events", events);
        return out;
    }

    private JsonNode list() {
        ArrayNode ps = Json.mapper().createArrayNode();
        for (EnvdProcess p : sandbox.processes.running()) {
            ObjectNode info = ps.addObject();
            info.set("config", p.config());
            info.put("pid", p.pid());
            if (p.tag() != null) info.put("tag", p.tag());
        }
        ObjectNode out = ProtoJson.object();
        out.set("processes", ps);
        return out;
    }

    // ------------------------------------------------------------ streams

    private void stream(HttpExchange ex, String rpc) throws IOException {
        if (rpc.equals("process.Process/StreamInput")) {
            streamInput(ex);
            return;
        }
        JsonNode req;
        try (InputStream in = ex.getRequestBody()) {
            req = ConnectFraming.readRequest(in);
        }
        Duration keepalive = keepalive(ex);
        Duration timeout = timeout(ex);
        ConnectStream out = new ConnectStream(ex);
        switch (rpc) {
            case "process.Process/Start" -> {
                EnvdProcess.Subscriber sub = new EnvdProcess.Subscriber();
                EnvdProcess p = sandbox.processes.start(view, req, sub, timeout);
                // the process has the deadline; the stream follows it to its end
                pump(out, p, sub, keepalive, Duration.ZERO);
            }
            case "process.Process/Connect" -> {
                EnvdProcess p = sandbox.processes.select(ProtoJson.field(req, "process"), true);
                pump(out, p, p.subscribe(), keepalive, timeout);
            }
            case "filesystem.Filesystem/WatchDir" -> watch(out, req, keepalive, timeout);
            default -> throw new ConnectError("unimplemented", rpc + " is not implemented as a server stream");
        }
    }

    /** Client streaming: a {@code start{process}} message, then {@code data{input}} messages, keepalives ignored. */
    private void streamInput(HttpExchange ex) throws IOException {
        EnvdProcess p = null;
        try (InputStream in = ex.getRequestBody()) {
            ConnectFraming.Envelope e;
            while ((e = ConnectFraming.read(in)) != null && !e.endStream()) {
                JsonNode msg = ProtoJson.parse(e.payload());
                if (msg.has("start")) {
                    p = sandbox.processes.select(ProtoJson.field(ProtoJson.field(msg, "start"), "process"), false);
                } else if (msg.has("data")) {
                    if (p == null) throw ConnectError.invalidArgument("StreamInput must begin with a start message");
                    JsonNode input = ProtoJson.field(ProtoJson.field(msg, "data"), "input");
                    if (ProtoJson.has(input, "pty", null)) p.writePty(ProtoJson.bytes(ProtoJson.field(input, "pty")));
                    else if (ProtoJson.has(input, "stdin", null)) p.writeStdin(ProtoJson.bytes(ProtoJson.field(input, "stdin")));
                }
            }
        }
        ConnectStream out = new ConnectStream(ex);
        out.send(ProtoJson.object());
        out.end(null);
    }

    /** start, then the process's events with keepalives in the silences, until its end (or the deadline). */
    private static void pump(ConnectStream out, EnvdProcess p, EnvdProcess.Subscriber sub, Duration keepalive, Duration timeout)
            throws IOException {
        try {
            ObjectNode start = ProtoJson.object();
            start.put("pid", p.pid());
            out.send(event(EnvdProcess.wrap("start", start)));
            long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            while (true) {
                long wait = Math.min(keepalive.toNanos(), deadline - System.nanoTime());
                if (wait <= 0) {
                    out.end(new ConnectError("deadline_exceeded", "the stream's deadline passed"));
                    return;
                }
                ObjectNode ev = sub.events.poll(wait, TimeUnit.NANOSECONDS);
                if (ev == null) {
                    if (System.nanoTime() < deadline) out.send(event(EnvdProcess.wrap("keepalive", ProtoJson.object())));
                    continue;
                }
                out.send(event(ev));
                if (ev.has("end")) break;
            }
            out.end(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            p.unsubscribe(sub);
        }
    }

    private void watch(ConnectStream out, JsonNode req, Duration keepalive, Duration timeout) throws IOException {
        try (DirWatch w = openWatch(req)) {
            out.send(wrapped("start"));
            long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            while (true) {
                long wait = Math.min(keepalive.toNanos(), deadline - System.nanoTime());
                if (wait <= 0) {
                    out.end(new ConnectError("deadline_exceeded", "the watch's deadline passed"));
                    return;
                }
                ObjectNode ev = w.events().poll(wait, TimeUnit.NANOSECONDS);
                if (ev == null) {
                    if (System.nanoTime() < deadline) out.send(wrapped("keepalive"));
                } else if (ev.isEmpty()) {
                    out.end(ConnectError.internal(w.failure()));
                    return;
                } else {
                    out.send(ev);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ObjectNode wrapped(String kind) {
        ObjectNode n = ProtoJson.object();
        n.putObject(kind);
        return n;
    }

    /** StartResponse / ConnectResponse: {@code {"event": ProcessEvent}}. */
    private static ObjectNode event(ObjectNode processEvent) {
        ObjectNode n = ProtoJson.object();
        n.set("event", processEvent);
        return n;
    }

    static Duration keepalive(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Keepalive-Ping-Interval");
        try {
            long s = h == null ? 0 : Long.parseLong(h.trim());
            return s > 0 ? Duration.ofSeconds(s) : DEFAULT_KEEPALIVE;
        } catch (NumberFormatException e) {
            return DEFAULT_KEEPALIVE;
        }
    }

    /** Connect-Timeout-Ms; zero when absent (no deadline). */
    static Duration timeout(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Connect-Timeout-Ms");
        if (h == null) return Duration.ZERO;
        String t = h.trim();
        if (t.isEmpty() || t.length() > 10 || !t.chars().allMatch(Character::isDigit))
            throw ConnectError.invalidArgument("Connect-Timeout-Ms must be at most 10 digits, got '" + h + "'");
        return Duration.ofMillis(Long.parseLong(t));
    }

    // ------------------------------------------------------------ replies

    private static void unaryReply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void unaryError(HttpExchange ex, ConnectError e) throws IOException {
        unaryError(ex, e.httpStatus(), e);
    }

    private static void unaryError(HttpExchange ex, int status, ConnectError e) throws IOException {
        ObjectNode n = ProtoJson.object();
        n.put("code", e.code());
        if (e.getMessage() != null) n.put("message", e.getMessage());
        unaryReply(ex, status, n);
    }

    /** envd's plain-HTTP error body: {@code {"message", "code": <int>}}. */
    static void plainError(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode n = ProtoJson.object();
        n.put("message", message);
        n.put("code", status);
        unaryReply(ex, status, n);
    }
}
