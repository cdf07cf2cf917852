package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The response side of a server-streaming Connect call: HTTP 200 with chunked transfer, one envelope per message,
 * each flushed at once, and exactly one end-of-stream envelope (which carries any error).
 */
final class ConnectStream {
    static final String CONTENT_TYPE = "application/connect+json";

    private final HttpExchange exchange;
    private OutputStream out;
    private boolean ended;

    ConnectStream(HttpExchange exchange) {
        this.exchange = exchange;
    }

    private void open() throws IOException {
        if (out != null) return;
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        // a reverse proxy (nginx) must not hold frames back
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        out = exchange.getResponseBody();
    }

    void send(JsonNode message) throws IOException {
        open();
        ConnectFraming.write(out, message);
    }

    /** Ends the stream: {@code error} null for success. A second call does nothing. */
    void end(ConnectError error) throws IOException {
        if (ended) return;
        ended = true;
        open();
        ConnectFraming.writeEnd(out, error);
        out.close();
    }
}
