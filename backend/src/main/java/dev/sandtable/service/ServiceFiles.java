package dev.sandtable.service;

import dev.sandtable.json.Json;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/** The service's files in {@link RuntimePaths#runtime()}: service.json, the lock and the log. */
public final class ServiceFiles {
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private ServiceFiles() {
    }

    public static Path serviceJson(RuntimePaths paths) {
        return paths.runtime().resolve("service.json");
    }

    public static Path lockFile(RuntimePaths paths) {
        return paths.runtime().resolve("service.lock");
    }

    public static Path logFile(RuntimePaths paths) {
        return paths.runtime().resolve("service.log");
    }

    /** Creates the runtime folder (and its parents) readable by the user only, or tightens an existing one. */
    public static void ensurePrivateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (isPosix(dir)) Files.setPosixFilePermissions(dir, PRIVATE_DIR);
    }

    /** Writes service.json atomically (temp file with mode 0600, then rename) so a reader never sees half a file. */
    public static void write(RuntimePaths paths, ServiceInfo info) throws IOException {
        ensurePrivateDir(paths.runtime());
        Path target = serviceJson(paths);
        Path temp = createPrivateFile(paths.runtime().resolve("service.json." + ProcessHandle.current().pid() + ".tmp"));
        try {
            Files.write(temp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The service.json of a service that may or may not still run; empty when there is none (or it is unreadable). */
    public static Optional<ServiceInfo> read(RuntimePaths paths) {
        try {
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(serviceJson(paths)), ServiceInfo.class));
        } catch (IOException e) {
            return Optional.empty(); // none, or half of one written by hand: either way no service to talk to
        }
    }

    /** Removes service.json if it still describes {@code info} (a newer service may have replaced it). */
    public static void removeIfOwned(RuntimePaths paths, ServiceInfo info) {
        try {
            if (read(paths).filter(info::equals).isPresent()) Files.deleteIfExists(serviceJson(paths));
        } catch (IOException ignored) {
            // nothing to clean up then
        }
    }

    /** Where clients find the service: re-reads service.json each time, so a restarted service is found again. */
    public static ServiceInfo locate(RuntimePaths paths) {
        return read(paths).orElseThrow(() -> new SandtableException(ErrorCode.UNAVAILABLE,
                ServiceClient.notRunning("no " + serviceJson(paths))));
    }

    static Path createPrivateFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        try {
            return isPosix(file.getParent())
                    ? Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE))
                    : Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return file;
        }
    }

    private static boolean isPosix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
