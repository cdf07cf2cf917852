package dev.sandtable.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The end of a log file that may still be growing: at most a number of bytes, starting at a line when cut. */
final class LogTail {
    private LogTail() {
    }

    /** "" when the file does not exist (yet); bytes that are not UTF-8 become U+FFFD. */
    static String read(Path file, int maxBytes) throws IOException {
        if (maxBytes <= 0) return "";
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long start = Math.max(0, size - maxBytes);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - start));
            while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
                // the file may shrink or grow meanwhile; what was read is what is shown
            }
            byte[] bytes = new byte[buf.position()];
            buf.flip().get(bytes);
            int from = 0;
            if (start > 0) { // cut: drop the partial first line unless it is all there is
                int nl = indexOf(bytes, (byte) '\n');
                if (nl >= 0 && nl + 1 < bytes.length) from = nl + 1;
            }
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) if (b[i] == x) return i;
        return -1;
    }
}
