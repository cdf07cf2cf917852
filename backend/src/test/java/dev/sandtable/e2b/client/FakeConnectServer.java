package dev.sandtable.e2b.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/** A loopback HTTP server for protocol tests: each path gets a handler that writes whatever bytes it likes. */
public final class FakeConnectServer implements AutoCloseable {
    public interface Handler {
        void handle(HttpExchange ex, byte[] requestBody) throws IOException;
    }

    public record Seen(String method, String path, Headers headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();

    public FakeConnectServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders(), body));
            Handler h = handlers.get(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            if (h == null) h = handlers.get(ex.getRequestURI().getPath());
            try {
                if (h == null) {
                    json(ex, 404, "{\"code\":404,\"message\":\"no route " + ex.getRequestURI().getPath() + "\"}");
                } else {
                    h.handle(ex, body);
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    /** {@code route} is a path ("/process.Process/Start") or "METHOD /path". */
    public FakeConnectServer on(String route, Handler h) {
        handlers.put(route, h);
        return this;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Seen last(String path) {
        for (int i = seen.size() - 1; i >= 0; i--) if (seen.get(i).path().equals(path)) return seen.get(i);
        return null;
    }

    public static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (status == 204) {
            ex.sendResponseHeaders(204, -1);
            return;
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** Starts a stream response: HTTP 200, chunked, application/connect+json. */
    public static OutputStream startStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/connect+json");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    /** Writes one message frame and flushes it. */
    public static void frame(OutputStream out, String json) throws IOException {
        out.write(Envelope.message(json.getBytes(StandardCharsets.UTF_8)).encode());
        out.flush();
    }

    public static void end(OutputStream out, String json) throws IOException {
        out.write(Envelope.endStream(json.getBytes(StandardCharsets.UTF_8)).encode());
        out.flush();
    }

    /** The JSON payload of an enveloped request body. */
    public static String unwrap(byte[] body) {
        var frames = new EnvelopeDecoder(1 << 20).feed(body);
        return new String(frames.getFirst().payload(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
