package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The TLV fields of one frame's payload, decoded with every length checked. Unknown tags are skipped. */
final class Fields {
    private final Map<Integer, Long> numbers = new HashMap<>();
    private final Map<Integer, String> strings = new HashMap<>();
    private final List<Fields> devices = new ArrayList<>();

    static Fields decode(ByteBuffer payload) {
        Fields f = new Fields();
        ByteBuffer b = payload.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (b.remaining() < 4) throw malformed("a field header is cut short");
            int tag = Short.toUnsignedInt(b.getShort());
            int len = Short.toUnsignedInt(b.getShort());
            if (len > b.remaining()) throw malformed("a field runs past the end of the frame");
            ByteBuffer v = b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN);
            b.position(b.position() + len);
            int size = Wire.size(tag);
            if (size == 0) continue;
            if (size == -2) {
                f.devices.add(decode(v));
            } else if (size == -1) {
                if (len > Wire.MAX_STRING) throw malformed("a string field is too long");
                byte[] s = new byte[len];
                v.get(s);
                f.strings.put(tag, new String(s, StandardCharsets.UTF_8));
            } else {
                if (len != size) throw malformed("field " + tag + " has " + len + " bytes, expected " + size);
                f.numbers.put(tag, switch (size) {
                    case 1 -> (long) Byte.toUnsignedInt(v.get());
                    case 2 -> (long) Short.toUnsignedInt(v.getShort());
                    case 4 -> Integer.toUnsignedLong(v.getInt());
                    default -> v.getLong();
                });
            }
        }
        return f;
    }

    private static SandtableException malformed(String why) {
        return new SandtableException(ErrorCode.INTERNAL, "the native helper sent a malformed reply: " + why);
    }

    OptionalLong number(int tag) {
        Long v = numbers.get(tag);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    long number(int tag, long fallback) {
        return numbers.getOrDefault(tag, fallback);
    }

    String string(int tag) {
        return strings.get(tag);
    }

    List<Fields> devices() {
        return List.copyOf(devices);
    }

    /** Writes fields into a payload, refusing anything the helper would refuse. */
    static final class Writer {
        private final ByteBuffer b = ByteBuffer.allocate(Wire.MAX_PAYLOAD).order(ByteOrder.LITTLE_ENDIAN);

        Writer u8(int tag, long v) {
            return number(tag, 1, v);
        }

        Writer u16(int tag, long v) {
            return number(tag, 2, v);
        }

        Writer u32(int tag, long v) {
            return number(tag, 4, v);
        }

        Writer u64(int tag, long v) {
            return number(tag, 8, v);
        }

        private Writer number(int tag, int size, long v) {
            if (size < 8 && (v < 0 || v >= 1L << (size * 8)))
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "value " + v + " does not fit the field");
            b.putShort((short) tag).putShort((short) size);
            switch (size) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
            return this;
        }

        Writer string(int tag, String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == 0 || bytes.length > Wire.MAX_STRING || s.indexOf('\0') >= 0)
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT,
                        "text fields must be 1 to " + Wire.MAX_STRING + " bytes without NUL: " + s);
            b.putShort((short) tag).putShort((short) bytes.length).put(bytes);
            return this;
        }

        ByteBuffer payload() {
            return b.duplicate().flip();
        }
    }
}
