package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sandtable.e2b.client.FakeConnectServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory E2B platform on one loopback port: the control plane, and an envd whose "shell" echoes its PTY
 * input (so terminal tests see their keystrokes come back), answers resizes with a line, and whose WatchDir
 * streams the events a test injects. Streams can be dropped to test reattaching.
 */
public final class FakeE2bPlatform implements AutoCloseable {
    public static final String KEY = "e2b_" + "0123456789abcdef0123456789abcdef01234567";

    final FakeConnectServer server;
    final Map<String, ObjectNode> sandboxes = new ConcurrentHashMap<>();
    final Map<Long, Proc> procs = new ConcurrentHashMap<>();
    final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    final List<String> timeouts = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger pids = new AtomicInteger(100);
    volatile int pageSize = 2;
    volatile boolean listFails;
    /** The next this many SendInput calls answer 503, as a proxy does while the sandbox is unreachable. */
    final AtomicInteger inputFailures = new AtomicInteger();

    final class Proc {
        final long pid;
        final List<HttpExchange> subscribers = new CopyOnWriteArrayList<>();
        final List<String> sizes = new CopyOnWriteArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final StringBuilder line = new StringBuilder();
        volatile boolean dropping;

        Proc(long pid) {
            this.pid = pid;
        }

        void emit(String json) {
            for (HttpExchange ex : subscribers) {
                try {
                    FakeConnectServer.frame(ex.getResponseBody(), json);
                } catch (IOException e) {
                    subscribers.remove(ex);
                }
            }
        }

        void output(byte[] b) {
            emit("{\"event\":{\"data\":{\"pty\":\"" + Base64.getEncoder().encodeToString(b) + "\"}}}");
        }

        void end(int code) {
            emit("{\"event\":{\"end\":{" + (code == 0 ? "" : "\"exitCode\":" + code + ",") + "\"exited\":true,\"status\":\"exit status " + code + "\"}}}");
            for (HttpExchange ex : subscribers) {
                try {
                    FakeConnectServer.end(ex.getResponseBody(), "{}");
                } catch (IOException ignored) {
                    // gone
                }
            }
            procs.remove(pid);
            ended.countDown();
        }

        /** Cuts every stream of this process without an end frame, as a network failure would. */
        void drop() {
            dropping = true;
            List<HttpExchange> subs = new ArrayList<>(subscribers);
            subscribers.clear();
            for (HttpExchange ex : subs) ex.close();
        }
    }

    record Watcher(String sandbox, String path, boolean recursive, HttpExchange ex) {
    }

    public FakeE2bPlatform() throws IOException {
        server = new FakeConnectServer();
        server.on("POST /v2/sandboxes", this::create).on("POST /sandboxes", this::create);
        server.on("GET /v2/sandboxes", this::list);
        server.on("GET /v2/templates", (ex, b) -> ok(ex, 200, "[{\"templateID\":\"base\",\"aliases\":[\"base\"],\"cpuCount\":2,\"memoryMB\":512}]"));
    }

    public URI uri() {
        return server.uri();
    }

    /** Adds the routes of one sandbox (the JDK server routes by exact path). */
    private void routes(String id) {
        String p = "/sandboxes/" + id;
        server.on("DELETE " + p, (ex, b) -> {
            if (!authorized(ex)) return;
            if (sandboxes.remove(id) == null) ok(ex, 404, "{\"code\":404,\"message\":\"sandbox " + id + " not found\"}");
            else ok(ex, 204, "");
        });
        server.on("GET " + p, (ex, b) -> {
            if (!authorized(ex)) return;
            ObjectNode s = sandboxes.get(id);
            if (s == null) ok(ex, 404, "{\"code\":404,\"message\":\"sandbox " + id + " not found\"}");
            else ok(ex, 200, s.deepCopy().put("envdAccessToken", "tok-" + id).toString());
        });
        server.on("POST " + p + "/pause", (ex, b) -> {
            if (!authorized(ex)) return;
            ObjectNode s = sandboxes.get(id);
            if (s == null) ok(ex, 404, "{\"code\":404,\"message\":\"sandbox " + id + " not found\"}");
            else if (s.path("state").asText().equals("paused")) ok(ex, 409, "{\"code\":409,\"message\":\"sandbox " + id + " is already paused\"}");
            else {
                s.put("state", "paused");
                ok(ex, 204, "");
            }
        });
        server.on("POST /v2" + p + "/connect", (ex, b) -> {
            if (!authorized(ex)) return;
            ObjectNode s = sandboxes.get(id);
            if (s == null) {
                ok(ex, 404, "{\"code\":404,\"message\":\"sandbox " + id + " not found\"}");
                return;
            }
            boolean wasPaused = s.path("state").asText().equals("paused");
            s.put("state", "running");
            ok(ex, wasPaused ? 201 : 200, sandboxReply(id));
        });
        server.on("POST " + p + "/timeout", (ex, b) -> {
            if (!authorized(ex)) return;
            timeouts.add(id + "=" + E2bApi.JSON.readTree(b).path("timeout").asInt());
            ok(ex, 204, "");
        });
        for (String prefix : List.of("", "/sandbox/" + id + "/49983")) {
            server.on("POST " + prefix + "/process.Process/Start", (ex, b) -> start(id, ex, b));
            server.on("POST " + prefix + "/process.Process/Connect", (ex, b) -> connect(id, ex, b));
            server.on("POST " + prefix + "/process.Process/SendInput", (ex, b) -> sendInput(id, ex, b));
            server.on("POST " + prefix + "/process.Process/Update", (ex, b) -> update(id, ex, b));
            server.on("POST " + prefix + "/process.Process/SendSignal", (ex, b) -> signal(id, ex, b));
            server.on("POST " + prefix + "/filesystem.Filesystem/WatchDir", (ex, b) -> watch(id, ex, b));
        }
    }

    private String sandboxReply(String id) {
        return "{\"sandboxID\":\"" + id + "\",\"templateID\":\"base\",\"clientID\":\"x\",\"envdVersion\":\"0.6.13\","
                + "\"envdAccessToken\":\"tok-" + id + "\",\"domain\":null}";
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (KEY.equals(ex.getRequestHeaders().getFirst("X-API-Key"))) return true;
        ok(ex, 401, "{\"code\":401,\"message\":\"Invalid API key\"}");
        return false;
    }

    private boolean envdAuthorized(String id, HttpExchange ex) throws IOException {
        boolean ok = ("tok-" + id).equals(ex.getRequestHeaders().getFirst("X-Access-Token"))
                && id.equals(ex.getRequestHeaders().getFirst("E2b-Sandbox-Id"));
        if (!ok) ok(ex, 401, "{\"code\":\"unauthenticated\",\"message\":\"invalid access token\"}");
        return ok;
    }

    private static void ok(HttpExchange ex, int status, String body) throws IOException {
        FakeConnectServer.json(ex, status, body);
    }

    /** Adds a sandbox as if someone else had created it. */
    public String add(String state) {
        String id = "sbx" + ids.incrementAndGet();
        ObjectNode s = E2bApi.object().put("sandboxID", id).put("templateID", "base").put("clientID", "x")
                .put("startedAt", "2026-01-01T00:00:00Z").put("endAt", "2026-01-01T00:05:00Z").put("cpuCount", 2)
                .put("memoryMB", 512).put("diskSizeMB", 1024).put("state", state).put("envdVersion", "0.6.13");
        s.putObject("metadata");
        sandboxes.put(id, s);
        routes(id);
        return id;
    }

    private void create(HttpExchange ex, byte[] body) throws IOException {
        if (!authorized(ex)) return;
        JsonNode req = E2bApi.JSON.readTree(body);
        String id = add("running");
        ObjectNode s = sandboxes.get(id);
        s.put("templateID", req.path("templateID").asText("base"));
        if (req.has("metadata")) s.set("metadata", req.get("metadata"));
        ok(ex, 201, sandboxReply(id));
    }

    private void list(HttpExchange ex, byte[] body) throws IOException {
        if (!authorized(ex)) return;
        if (listFails) {
            ok(ex, 503, "{\"code\":503,\"message\":\"maintenance\"}");
            return;
        }
        String q = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        int from = 0;
        for (String kv : q.split("&")) if (kv.startsWith("nextToken=")) from = Integer.parseInt(kv.substring(10));
        List<ObjectNode> all = new ArrayList<>(sandboxes.values());
        all.sort((a, b) -> a.path("sandboxID").asText().compareTo(b.path("sandboxID").asText()));
        ArrayNode page = E2bApi.JSON.createArrayNode();
        for (int i = from; i < Math.min(all.size(), from + pageSize); i++) page.add(all.get(i));
        if (from + pageSize < all.size()) ex.getResponseHeaders().set("X-Next-Token", Integer.toString(from + pageSize));
        ok(ex, 200, page.toString());
    }

    private void start(String id, HttpExchange ex, byte[] body) throws IOException {
        if (!envdAuthorized(id, ex)) return;
        JsonNode req = E2bApi.JSON.readTree(FakeConnectServer.unwrap(body));
        Proc p = new Proc(pids.incrementAndGet());
        p.sizes.add(req.path("pty").path("size").path("cols").asInt() + "x" + req.path("pty").path("size").path("rows").asInt());
        procs.put(p.pid, p);
        subscribe(p, ex);
    }

    private void subscribe(Proc p, HttpExchange ex) throws IOException {
        OutputStream out = FakeConnectServer.startStream(ex);
        FakeConnectServer.frame(out, "{\"event\":{\"start\":{\"pid\":" + p.pid + "}}}");
        p.subscribers.add(ex);
        p.dropping = false;
        try {
            while (!p.ended.await(50, TimeUnit.MILLISECONDS)) {
                if (!p.subscribers.contains(ex)) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void connect(String id, HttpExchange ex, byte[] body) throws IOException {
        if (!envdAuthorized(id, ex)) return;
        long pid = E2bApi.JSON.readTree(FakeConnectServer.unwrap(body)).path("process").path("pid").asLong();
        Proc p = procs.get(pid);
        if (p == null) {
            FakeConnectServer.end(FakeConnectServer.startStream(ex), "{\"error\":{\"code\":\"not_found\",\"message\":\"process " + pid + " not found\"}}");
            return;
        }
        subscribe(p, ex);
    }

    private Proc proc(HttpExchange ex, JsonNode req) throws IOException {
        Proc p = procs.get(req.path("process").path("pid").asLong());
        if (p == null) ok(ex, 404, "{\"code\":\"not_found\",\"message\":\"process not found\"}");
        return p;
    }

    private void sendInput(String id, HttpExchange ex, byte[] body) throws IOException {
        if (!envdAuthorized(id, ex)) return;
        if (inputFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ok(ex, 503, "");
            return;
        }
        JsonNode req = E2bApi.JSON.readTree(body);
        Proc p = proc(ex, req);
        if (p == null) return;
        byte[] in = Base64.getDecoder().decode(req.path("input").path("pty").asText());
        ok(ex, 200, "{}");
        String text = new String(in, StandardCharsets.UTF_8);
        p.output(in);
        if (text.contains("exit 3\r")) {
            p.end(3);
            return;
        }
        for (char c : text.toCharArray()) { // a tiny shell: "echo x" + Enter prints x on its own line, "seq N" 1..N
            if (c != '\r') {
                p.line.append(c);
                continue;
            }
            String l = p.line.toString();
            p.line.setLength(0);
            if (l.matches("exit \\d{1,3}")) { // typed key by key, as a terminal window sends it
                p.end(Integer.parseInt(l.substring(5)));
                return;
            }
            StringBuilder out = new StringBuilder("\r\n");
            if (l.startsWith("echo ")) out.append(l.substring(5)).append("\r\n");
            if (l.matches("seq \\d{1,5}")) // "seq N" prints 1..N, one per line, as coreutils' seq does
                for (int i = 1; i <= Integer.parseInt(l.substring(4)); i++) out.append(i).append("\r\n");
            p.output(out.append("$ ").toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void update(String id, HttpExchange ex, byte[] body) throws IOException {
        if (!envdAuthorized(id, ex)) return;
        JsonNode req = E2bApi.JSON.readTree(body);
        Proc p = proc(ex, req);
        if (p == null) return;
        String size = req.path("pty").path("size").path("cols").asInt() + "x" + req.path("pty").path("size").path("rows").asInt();
        p.sizes.add(size);
        ok(ex, 200, "{}");
        p.output(("resized " + size + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private void signal(String id, HttpExchange ex, byte[] body) throws IOException {
        if (!envdAuthorized(id, ex)) return;
        JsonNode req = E2bApi.JSON.readTree(body);
        Proc p = proc(ex, req);
        if (p == null) return;
        ok(ex, 200, "{}");
        p.end(137);
    }

    private void watch(String id, HttpExchange ex, byte[] body) throws IOException {
        if (!envdAuthorized(id, ex)) return;
        JsonNode req = E2bApi.JSON.readTree(FakeConnectServer.unwrap(body));
        String path = req.path("path").asText();
        OutputStream out = FakeConnectServer.startStream(ex);
        if (!path.startsWith("/")) {
            FakeConnectServer.end(out, "{\"error\":{\"code\":\"not_found\",\"message\":\"path " + path + " not found\"}}");
            return;
        }
        FakeConnectServer.frame(out, "{\"start\":{}}");
        Watcher w = new Watcher(id, path, req.path("recursive").asBoolean(), ex);
        watchers.add(w);
        int keepalive = Integer.parseInt(ex.getRequestHeaders().getFirst("Keepalive-Ping-Interval"));
        try {
            while (watchers.contains(w)) {
                Thread.sleep(keepalive * 1000L);
                if (watchers.contains(w)) FakeConnectServer.frame(out, "{\"keepalive\":{}}");
            }
        } catch (InterruptedException | IOException e) {
            watchers.remove(w);
        }
    }

    /** Processes still running. */
    public int liveProcesses() {
        return procs.size();
    }

    /** Every PTY size a process had, oldest first ("80x24"). */
    public List<String> sizesOf(long pid) {
        Proc p = procs.get(pid);
        return p == null ? List.of() : List.copyOf(p.sizes);
    }

    /** Cuts every WatchDir stream without an end frame, as a network failure or a proxy would; returns how many. */
    public int dropWatches() {
        List<Watcher> all = new ArrayList<>(watchers);
        watchers.removeAll(all);
        for (Watcher w : all) w.ex().close();
        return all.size();
    }

    /** Sends a filesystem event to every watcher; returns how many got it. */
    public int fsEvent(String name, String type, String modifiedTime) {
        int n = 0;
        for (Watcher w : watchers) {
            String entry = modifiedTime == null ? "" : ",\"entry\":{\"name\":\"" + name + "\",\"modifiedTime\":\"" + modifiedTime + "\"}";
            try {
                FakeConnectServer.frame(w.ex().getResponseBody(), "{\"filesystem\":{\"name\":\"" + name + "\",\"type\":" + type + entry + "}}");
                n++;
            } catch (IOException e) {
                watchers.remove(w);
            }
        }
        return n;
    }

    @Override
    public void close() {
        for (Proc p : procs.values()) p.drop();
        watchers.clear();
        server.close();
    }
}
