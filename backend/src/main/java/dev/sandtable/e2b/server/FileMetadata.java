package dev.sandtable.e2b.server;

import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * envd's file metadata (≥ 0.6.2): {@code X-Metadata-<key>: <value>} upload headers stored as {@code user.e2b.<key>}
 * extended attributes, and returned in {@code EntryInfo.metadata}. An upload replaces the file's whole metadata.
 */
final class FileMetadata {
    static final String HEADER_PREFIX = "x-metadata-";
    /** The JDK's user-attribute names leave out the "user." namespace. */
    static final String ATTRIBUTE_PREFIX = "e2b.";
    static final int MAX_KEY = 246;
    static final int MAX_TOTAL = 4096;

    private FileMetadata() {
    }

    /** The metadata an upload carries; IllegalArgumentException (→ 400) for what envd refuses. */
    static Map<String, String> fromHeaders(Headers headers) {
        Map<String, String> out = new TreeMap<>();
        int total = 0;
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith(HEADER_PREFIX) || h.getValue().isEmpty()) continue;
            String key = name.substring(HEADER_PREFIX.length());
            String value = h.getValue().getFirst();
            if (key.isEmpty() || key.length() > MAX_KEY || !printable(key) || !printable(value))
                throw new IllegalArgumentException("metadata keys (at most " + MAX_KEY + " bytes) and values must be printable ASCII: " + key);
            total += ("user." + ATTRIBUTE_PREFIX + key).length() + value.length();
            out.put(key, value);
        }
        if (total > MAX_TOTAL) throw new IllegalArgumentException("the file's metadata exceeds " + MAX_TOTAL + " bytes");
        return out;
    }

    /** Replaces the file's metadata with {@code metadata} (removing what is not in it). */
    static void write(Path file, Map<String, String> metadata) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            if (metadata.isEmpty()) return;
            throw new IOException("this filesystem cannot store file metadata");
        }
        try {
            for (String name : view.list()) if (name.startsWith(ATTRIBUTE_PREFIX)) view.delete(name);
        } catch (IOException e) {
            if (metadata.isEmpty()) return; // no extended attributes here, and none wanted
            throw e;
        }
        for (Map.Entry<String, String> e : metadata.entrySet())
            view.write(ATTRIBUTE_PREFIX + e.getKey(), ByteBuffer.wrap(e.getValue().getBytes(StandardCharsets.US_ASCII)));
    }

    /** The file's metadata; empty where there is none or the filesystem has no extended attributes. */
    static Map<String, String> read(Path file) {
        Map<String, String> out = new TreeMap<>();
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) return out;
        try {
            for (String name : view.list()) {
                if (!name.startsWith(ATTRIBUTE_PREFIX)) continue;
                ByteBuffer b = ByteBuffer.allocate(view.size(name));
                view.read(name, b);
                out.put(name.substring(ATTRIBUTE_PREFIX.length()), new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            // a symlink, or no extended attributes here: no metadata
        }
        return out;
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < 0x20 || s.charAt(i) > 0x7E) return false;
        return true;
    }
}
