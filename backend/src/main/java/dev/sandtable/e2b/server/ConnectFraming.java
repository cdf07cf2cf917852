package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Connect streaming envelopes: one flag byte (0x01 compressed, 0x02 end of stream), a 4-byte big-endian length, the
 * payload. Only the JSON codec, never compressed (connect-web refuses compressed frames).
 */
final class ConnectFraming {
    static final int FLAG_COMPRESSED = 0x01;
    static final int FLAG_END_STREAM = 0x02;
    /**
     * The largest request message (envelope payload or unary body) accepted: 4 MiB. Requests are small JSON messages
     * (file contents go through {@code /files}); anything larger is refused with {@code resource_exhausted} unread.
     */
    static final int MAX_REQUEST_MESSAGE = 4 << 20;
    private static final int KNOWN_FLAGS = FLAG_COMPRESSED | FLAG_END_STREAM;

    private ConnectFraming() {
    }

    record Envelope(int flags, byte[] payload) {
        boolean endStream() {
            return (flags & FLAG_END_STREAM) != 0;
        }
    }

    static byte[] envelope(int flags, byte[] payload) {
        byte[] out = new byte[5 + payload.length];
        out[0] = (byte) flags;
        out[1] = (byte) (payload.length >>> 24);
        out[2] = (byte) (payload.length >>> 16);
        out[3] = (byte) (payload.length >>> 8);
        out[4] = (byte) payload.length;
        System.arraycopy(payload, 0, out, 5, payload.length);
        return out;
    }

    static void write(OutputStream out, JsonNode message) throws IOException {
        out.write(envelope(0, Json.mapper().writeValueAsBytes(message)));
        out.flush();
    }

    /** The end-of-stream envelope: {@code {}} on success, {@code {"error":{"code","message"}}} on failure. */
    static void writeEnd(OutputStream out, ConnectError error) throws IOException {
        ObjectNode end = Json.mapper().createObjectNode();
        if (error != null) {
            ObjectNode e = end.putObject("error");
            e.put("code", error.code());
            if (error.getMessage() != null) e.put("message", error.getMessage());
        }
        out.write(envelope(FLAG_END_STREAM, Json.mapper().writeValueAsBytes(end)));
        out.flush();
    }

    /**
     * The next envelope, or null at a clean end of input. A malformed envelope (unknown flag bits, a header or payload
     * cut short) is {@code invalid_argument}; one longer than {@link #MAX_REQUEST_MESSAGE} is {@code resource_exhausted}.
     */
    static Envelope read(InputStream in) throws IOException {
        int flags = in.read();
        if (flags < 0) return null;
        if ((flags & ~KNOWN_FLAGS) != 0)
            throw ConnectError.invalidArgument(String.format("malformed envelope: unknown flags 0x%02x", flags));
        byte[] header = in.readNBytes(4);
        if (header.length < 4) throw ConnectError.invalidArgument("malformed envelope: the length is cut short");
        long length = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        if (length > MAX_REQUEST_MESSAGE)
            throw new ConnectError("resource_exhausted", "a message of " + length + " bytes is over the limit of " + MAX_REQUEST_MESSAGE);
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length)
            throw ConnectError.invalidArgument("malformed envelope: " + payload.length + " of " + length + " payload bytes");
        return new Envelope(flags, payload);
    }

    /** A whole unary request body, refused with {@code resource_exhausted} past {@link #MAX_REQUEST_MESSAGE}. */
    static byte[] readUnary(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_REQUEST_MESSAGE + 1);
        if (body.length > MAX_REQUEST_MESSAGE)
            throw new ConnectError("resource_exhausted", "the request is over the limit of " + MAX_REQUEST_MESSAGE + " bytes");
        return body;
    }

    /** The single request message of a server-streaming call. */
    static JsonNode readRequest(InputStream in) throws IOException {
        Envelope e = read(in);
        if (e == null) throw ConnectError.invalidArgument("the request has no message envelope");
        if (e.endStream()) throw ConnectError.invalidArgument("a request envelope must not carry the end-stream flag");
        if ((e.flags() & FLAG_COMPRESSED) != 0) throw new ConnectError("unimplemented", "compressed requests are not supported");
        return ProtoJson.parse(e.payload());
    }
}
