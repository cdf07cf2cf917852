package dev.sandtable.local;

import dev.sandtable.json.Json;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** File tree helpers: recursive delete, fsync, atomic JSON files. */
final class Trees {
    private Trees() {
    }

    /** Deletes a tree, making read-only directories writable first; absent is fine. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                try {
                    Set<PosixFilePermission> p = EnumSet.copyOf(Files.getPosixFilePermissions(dir));
                    if (p.addAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                            PosixFilePermission.OWNER_EXECUTE))) Files.setPosixFilePermissions(dir, p);
                } catch (IOException | RuntimeException ignored) {
                    // best effort: deletion reports the real problem
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteQuietly(Path root) {
        try {
            deleteRecursively(root);
        } catch (IOException e) {
            System.getLogger(Trees.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + root + ": " + e.getMessage());
        }
    }

    /** fsync of a file or directory (Linux allows opening a directory read-only for this). */
    static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Writes {@code value} as JSON next to {@code target}, fsyncs it and renames it into place. */
    static void writeJsonAtomically(Path target, Object value) throws IOException {
        writeJsonAtomically(target, value, true);
    }

    /**
     * Like {@link #writeJsonAtomically(Path, Object)}; without {@code durable} nothing is fsynced: enough for files that
     * only need to survive the JVM (the page cache does), not a power cut.
     */
    static void writeJsonAtomically(Path target, Object value, boolean durable) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + FriendlyNames.hex(4));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value)));
                if (durable) ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (durable) fsync(target.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static <T> T readJson(Path file, Class<T> type) throws IOException {
        return Json.mapper().readValue(file.toFile(), type);
    }
}
