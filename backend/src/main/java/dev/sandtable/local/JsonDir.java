package dev.sandtable.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A folder of {@code <key>.json} files, each written atomically: how templates and pool definitions persist. */
final class JsonDir<T> {
    private final Path dir;
    private final Class<T> type;

    JsonDir(Path dir, Class<T> type) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.type = type;
    }

    List<T> load() throws IOException {
        List<T> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                if (f.getFileName().toString().startsWith(".")) continue;
                try {
                    out.add(Trees.readJson(f, type));
                } catch (IOException e) {
                    System.getLogger(JsonDir.class.getName()).log(System.Logger.Level.WARNING, "skipping unreadable " + f + ": " + e.getMessage());
                }
            }
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, ".*.tmp-*")) {
            for (Path f : leftovers) Files.deleteIfExists(f);
        }
        return out;
    }

    void save(String key, T value) throws IOException {
        Trees.writeJsonAtomically(dir.resolve(key + ".json"), value);
    }

    void delete(String key) throws IOException {
        Files.deleteIfExists(dir.resolve(key + ".json"));
        Trees.fsync(dir);
    }
}
