package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One WebSocket to an execd PTY session ({@code GET /pty/{id}/ws}; execd's {@code pty_ws.go}, not in
 * execd-api.yaml). execd sends a JSON {@code connected} frame, then binary frames whose first byte is the channel
 * ({@code 0x01} stdout, {@code 0x02} stderr in pipe mode, {@code 0x03} replay: an 8-byte big-endian offset and the
 * bytes), and at the end a JSON {@code exit} frame before it closes; {@code error} frames carry a {@code code}. The
 * client sends stdin as binary {@code 0x00}+bytes and JSON {@code resize}, {@code signal} and {@code ping} frames.
 *
 * <p>A frame that breaks this protocol ends the connection with a {@link SandtableException} naming it; so does a
 * server that never sends {@code connected}. Sends go out one at a time, in the order they are made.
 */
public final class ExecdPty implements AutoCloseable {
    static final byte STDIN = 0x00, STDOUT = 0x01, STDERR = 0x02, REPLAY = 0x03;
    /** The close code execd sends the holder a {@code takeover=1} connection evicts. */
    public static final int TAKEN_OVER = 4001;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** How long after the upgrade the {@code connected} frame may take. */
    static final Duration CONNECTED_TIMEOUT = Duration.ofSeconds(35);

    /** What the connection reports, on the HTTP client's threads, in the order execd sent it. */
    public interface Listener {
        /** Terminal output (stdout; in PTY mode stderr too). */
        void output(byte[] bytes);

        /** Output execd kept and sends again on attaching: {@code bytes} start at output byte {@code offset}. */
        default void replay(long offset, byte[] bytes) {
            output(bytes);
        }

        /** Standard error (pipe mode only); as output unless overridden. */
        default void stderr(byte[] bytes) {
            output(bytes);
        }

        /** The program ended with this code; {@link #closed} follows. */
        void exit(int code);

        /** An {@code error} frame: execd's code (e.g. {@code START_FAILED}, {@code INVALID_FRAME}) and message. */
        default void error(String code, String message) {
        }

        /**
         * The connection ended, exactly once: {@code status} is the WebSocket close code (-1 when there was none),
         * {@code failure} null for an orderly close, else what went wrong (transport, malformed frame).
         */
        void closed(int status, String reason, SandtableException failure);
    }

    /**
     * The query of the WebSocket URL: replay from output byte {@code since} (-1: none), evict the current holder
     * ({@code takeover}), pipe mode instead of a PTY ({@code pipe}).
     */
    public record Options(long since, boolean takeover, boolean pipe) {
        public static Options pty() {
            return new Options(-1, false, false);
        }

        String query() {
            StringBuilder q = new StringBuilder();
            if (pipe) q.append("&pty=0");
            if (since >= 0) q.append("&since=").append(since);
            if (takeover) q.append("&takeover=1");
            return q.isEmpty() ? "" : "?" + q.substring(1);
        }
    }

    /**
     * The WebSocket upgrade was answered with a status execd does not give (e.g. 400 from an OpenSandbox server
     * proxy that does not pass WebSockets on): PTYs cannot be reached this way.
     */
    public static final class UpgradeRefused extends SandtableException {
        private final int status;

        UpgradeRefused(int status, SandtableException e) {
            super(ErrorCode.UNSUPPORTED, e.getMessage());
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final String sessionId;
    private final String where;
    private final Listener listener;
    private final CompletableFuture<ExecdPty> connected = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Object sendLock = new Object();
    private CompletableFuture<WebSocket> tail;
    private volatile WebSocket socket;
    private volatile String mode = "";
    private volatile SandtableException lastError;

    private ExecdPty(String sessionId, String where, Listener listener) {
        this.sessionId = sessionId;
        this.where = where;
        this.listener = listener;
    }

    static CompletableFuture<ExecdPty> connect(HttpClient http, URI uri, Map<String, String> headers, String sessionId, Listener listener,
                                               Duration connectedTimeout) {
        ExecdPty pty = new ExecdPty(sessionId, uri.toString(), listener);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        try {
            headers.forEach(b::header);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT,
                    "the execd endpoint's headers cannot be sent on a WebSocket: " + e.getMessage()));
        }
        b.buildAsync(uri, pty.new Receiver()).whenComplete((ws, failure) -> {
            if (failure != null) pty.connected.completeExceptionally(pty.handshakeFailure(failure));
            else pty.opened(ws);
        });
        // a server that upgrades but never says "connected" must not leave the caller waiting
        CompletableFuture.delayedExecutor(connectedTimeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!pty.connected.isDone()) pty.fail(new SandtableException(ErrorCode.UNAVAILABLE,
                    "execd at " + pty.where + " did not send its PTY 'connected' frame within " + connectedTimeout.toMillis() + " ms"));
        });
        return pty.connected;
    }

    private void opened(WebSocket ws) {
        synchronized (sendLock) {
            if (socket != null) return;
            socket = ws;
            tail = CompletableFuture.completedFuture(ws);
        }
        if (ended.get()) ws.abort();
    }

    public String sessionId() {
        return sessionId;
    }

    /** {@code pty} or {@code pipe}, as the {@code connected} frame said. */
    public String mode() {
        return mode;
    }

    /** Sends keystrokes (binary {@code 0x00}+bytes). */
    public CompletableFuture<Void> stdin(byte[] bytes) {
        byte[] frame = new byte[bytes.length + 1];
        frame[0] = STDIN;
        System.arraycopy(bytes, 0, frame, 1, bytes.length);
        return send(ws -> ws.sendBinary(ByteBuffer.wrap(frame), true));
    }

    public CompletableFuture<Void> resize(int columns, int rows) {
        return text(OpenSandboxApi.object().put("type", "resize").put("cols", columns).put("rows", rows));
    }

    /** A signal to the program's process group: {@code SIGINT}, {@code SIGTERM}, {@code SIGKILL}, {@code SIGQUIT}, {@code SIGHUP}. */
    public CompletableFuture<Void> signal(String name) {
        return text(OpenSandboxApi.object().put("type", "signal").put("signal", name));
    }

    /** An application-level ping (execd answers {@code pong}). */
    public CompletableFuture<Void> ping() {
        return text(OpenSandboxApi.object().put("type", "ping"));
    }

    private CompletableFuture<Void> text(JsonNode frame) {
        String s = frame.toString();
        return send(ws -> ws.sendText(s, true));
    }

    private CompletableFuture<Void> send(Function<WebSocket, CompletableFuture<WebSocket>> op) {
        synchronized (sendLock) {
            if (tail == null || ended.get())
                return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_STATE, "the PTY connection to session " + sessionId + " has ended"));
            // java.net.http.WebSocket allows one outstanding send: chain them
            CompletableFuture<WebSocket> next = tail.thenCompose(op);
            tail = next.exceptionally(e -> socket);
            return next.handle((ws, e) -> {
                if (e != null) throw new CompletionException(new SandtableException(ErrorCode.UNAVAILABLE,
                        "sending to the PTY session " + sessionId + " failed: " + SandtableException.of(e).getMessage(), e));
                return null;
            });
        }
    }

    /** Closes the WebSocket (the session and its bash stay: {@link ExecdClient#deletePty} ends them). */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws == null) {
            fail(new SandtableException(ErrorCode.INVALID_STATE, "closed before execd answered"));
            return;
        }
        synchronized (sendLock) {
            if (!ended.get() && tail != null)
                tail = tail.thenCompose(w -> w.sendClose(WebSocket.NORMAL_CLOSURE, "")).orTimeout(2, TimeUnit.SECONDS)
                        .whenComplete((w, e) -> ws.abort());
        }
        end(WebSocket.NORMAL_CLOSURE, "closed by the client", null);
    }

    /** Drops the connection as a network failure would, without a close handshake (tests: reattaching). */
    void abortForTest() {
        fail(new SandtableException(ErrorCode.UNAVAILABLE, "the PTY WebSocket to execd at " + where + " dropped"));
    }

    private void fail(SandtableException e) {
        WebSocket ws = socket;
        if (ws != null) ws.abort();
        end(-1, "", e);
    }

    private void end(int status, String reason, SandtableException failure) {
        if (!ended.compareAndSet(false, true)) return;
        connected.completeExceptionally(failure != null ? failure : new SandtableException(ErrorCode.UNAVAILABLE,
                "execd at " + where + " closed the PTY WebSocket before it was connected (" + status + " " + reason + ")"
                        + (lastError == null ? "" : ": " + lastError.getMessage())));
        listener.closed(status, reason, failure);
    }

    private SandtableException handshakeFailure(Throwable failure) {
        Throwable c = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (c instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            Object body = h.getResponse().body();
            String text = body instanceof String s ? s : body instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : "";
            if (status == 409) return new SandtableException(ErrorCode.INVALID_STATE, "another client is already connected to PTY session "
                    + sessionId + " (execd answered 409; one WebSocket per session)");
            if (status == 401 || status == 403 || status == 404) return ExecdClient.status(where, status, text, "attaching to PTY session " + sessionId);
            return new UpgradeRefused(status, ExecdClient.status(where, status, text, "opening the PTY WebSocket"));
        }
        return ExecdClient.unreachable(where, c);
    }

    private SandtableException malformed(String what) {
        return new SandtableException(ErrorCode.INTERNAL, "execd at " + where + " sent a malformed PTY frame: " + what);
    }

    /** Parses one complete server text frame and reports it. */
    private void onTextFrame(String text) {
        JsonNode f;
        try {
            f = OpenSandboxApi.JSON.readTree(text);
        } catch (IOException e) {
            f = null;
        }
        if (f == null || !f.isObject() || !f.path("type").isTextual()) {
            fail(malformed("a text frame that is not a JSON object with a 'type': " + abbreviate(text)));
            return;
        }
        switch (f.get("type").asText()) {
            case "connected" -> {
                mode = f.path("mode").asText("pty");
                connected.complete(this);
            }
            case "exit" -> {
                if (!f.path("exit_code").isInt()) {
                    fail(malformed("an exit frame without an integer exit_code: " + abbreviate(text)));
                    return;
                }
                listener.exit(f.get("exit_code").asInt());
            }
            case "error" -> {
                String code = f.path("code").asText(""), message = f.path("error").asText(f.path("message").asText(""));
                lastError = new SandtableException(ErrorCode.UNAVAILABLE, "execd's PTY session " + sessionId + " reported " + code + ": " + message);
                listener.error(code, message);
            }
            default -> {
                // pong, and whatever later execd versions add
            }
        }
    }

    private void onBinaryFrame(byte[] frame) {
        if (frame.length == 0) {
            fail(malformed("an empty binary frame"));
            return;
        }
        switch (frame[0]) {
            case STDOUT -> listener.output(java.util.Arrays.copyOfRange(frame, 1, frame.length));
            case STDERR -> listener.stderr(java.util.Arrays.copyOfRange(frame, 1, frame.length));
            case REPLAY -> {
                if (frame.length < 9) fail(malformed("a replay frame of " + frame.length + " bytes, shorter than its 8-byte offset"));
                else listener.replay(ByteBuffer.wrap(frame, 1, 8).getLong(), java.util.Arrays.copyOfRange(frame, 9, frame.length));
            }
            default -> fail(malformed(String.format("a binary frame on unknown channel 0x%02x", frame[0] & 0xff)));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    /** Reassembles fragmented messages and hands each whole one over. */
    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket ws) {
            opened(ws); // before any frame: a caller that sees "connected" can send at once
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String s = text.toString();
                text.setLength(0);
                onTextFrame(s);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] frame = binary.toByteArray();
                binary.reset();
                onBinaryFrame(frame);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            end(status, reason, null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            end(-1, "", new SandtableException(ErrorCode.UNAVAILABLE, "the PTY WebSocket to execd at " + where + " failed: "
                    + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage()), error));
        }
    }
}
