package dev.sandtable.app.remote;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sandtable.json.Json;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The backends the user added, in {@code <data>/remote-backends.json}. The file holds the API keys in plain text, so
 * it is written with mode 0600 (to a temporary file first, then renamed into place); no keyring is used yet.
 * {@link #inMemory()} keeps nothing (tests, and windows started on explicit backends).
 */
public interface RemoteBackendStore {
    List<RemoteBackendSpec> load();

    void save(List<RemoteBackendSpec> specs);

    static RemoteBackendStore inMemory() {
        return new RemoteBackendStore() {
            private volatile List<RemoteBackendSpec> specs = List.of();

            @Override
            public List<RemoteBackendSpec> load() {
                return specs;
            }

            @Override
            public void save(List<RemoteBackendSpec> list) {
                specs = List.copyOf(list);
            }
        };
    }

    static RemoteBackendStore file(Path file) {
        return new FileStore(file);
    }

    record FileStore(Path file) implements RemoteBackendStore {
        @Override
        public List<RemoteBackendSpec> load() {
            if (!Files.exists(file)) return List.of();
            try {
                return List.copyOf(Json.mapper().readValue(file.toFile(), new TypeReference<List<RemoteBackendSpec>>() {
                }));
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.INTERNAL, "could not read the saved backends in " + file + ": " + e.getMessage());
            }
        }

        @Override
        public void save(List<RemoteBackendSpec> specs) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(specs));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.INTERNAL, "could not save the backends to " + file + ": " + e.getMessage());
            }
        }
    }
}
