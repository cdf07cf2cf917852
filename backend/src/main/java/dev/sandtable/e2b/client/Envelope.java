package dev.sandtable.e2b.client;

import java.nio.ByteBuffer;

/**
 * One Connect streaming frame: a flag byte, a 4-byte big-endian length, then the payload.
 * Flag {@code 0x01} marks a compressed payload, {@code 0x02} the end-of-stream message.
 */
public record Envelope(int flags, byte[] payload) {
    public static final int HEADER_LENGTH = 5;
    public static final int FLAG_COMPRESSED = 0x01;
    public static final int FLAG_END_STREAM = 0x02;

    public boolean isEndStream() {
        return (flags & FLAG_END_STREAM) != 0;
    }

    public boolean isCompressed() {
        return (flags & FLAG_COMPRESSED) != 0;
    }

    /** The frame's bytes as they go on the wire. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + payload.length);
        b.put((byte) flags).putInt(payload.length).put(payload);
        return b.array();
    }

    public static Envelope message(byte[] payload) {
        return new Envelope(0, payload);
    }

    public static Envelope endStream(byte[] payload) {
        return new Envelope(FLAG_END_STREAM, payload);
    }
}
