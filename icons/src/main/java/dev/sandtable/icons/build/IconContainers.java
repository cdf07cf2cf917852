package dev.sandtable.icons.build;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Windows .ico and macOS .icns files holding PNG images. Both formats accept PNG-compressed entries (ICO since
 * Windows Vista, ICNS since Mac OS X 10.5 for the "ic07".."ic10" and "icp4".."icp6" types), so no bitmap
 * conversion is needed.
 */
final class IconContainers {
    private IconContainers() {
    }

    /** An ICO: a 6-byte header, one 16-byte directory entry per image, then the PNGs. Sizes 1..256. */
    static byte[] ico(Map<Integer, byte[]> pngBySize) {
        int count = pngBySize.size();
        ByteBuffer head = ByteBuffer.allocate(6 + 16 * count).order(ByteOrder.LITTLE_ENDIAN);
        head.putShort((short) 0).putShort((short) 1).putShort((short) count);
        int offset = 6 + 16 * count;
        for (var e : pngBySize.entrySet()) {
            int size = e.getKey();
            if (size < 1 || size > 256) throw new IllegalArgumentException("an ICO image is 1 to 256 px, not " + size);
            head.put((byte) (size == 256 ? 0 : size)).put((byte) (size == 256 ? 0 : size)); // 0 means 256
            head.put((byte) 0).put((byte) 0);                 // no palette, reserved
            head.putShort((short) 1).putShort((short) 32);    // colour planes, bits per pixel
            head.putInt(e.getValue().length).putInt(offset);
            offset += e.getValue().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(offset);
        out.writeBytes(head.array());
        pngBySize.values().forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** An ICNS: "icns" and the total length, then per image a 4-character type, its length (with the 8-byte header) and the PNG. */
    static byte[] icns(Map<Integer, byte[]> pngBySize) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var e : pngBySize.entrySet()) {
            String type = icnsType(e.getKey());
            ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
            h.put(type.getBytes(StandardCharsets.US_ASCII)).putInt(8 + e.getValue().length);
            body.writeBytes(h.array());
            body.writeBytes(e.getValue());
        }
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        h.put("icns".getBytes(StandardCharsets.US_ASCII)).putInt(8 + body.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static String icnsType(int size) {
        return switch (size) {
            case 16 -> "icp4";
            case 32 -> "icp5";
            case 64 -> "icp6";
            case 128 -> "ic07";
            case 256 -> "ic08";
            case 512 -> "ic09";
            case 1024 -> "ic10";
            default -> throw new IllegalArgumentException("no ICNS type holds a " + size + " px PNG");
        };
    }
}
