package dev.sandtable.local;

import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Snapshots on disk: {@code snapshots/<id>/manifest.json} and {@code snapshots/<id>/tree/}. A snapshot is written
 * into {@code snapshots/.tmp-<id>/}, every file and directory fsynced, and renamed into place in one atomic step, so a
 * snapshot is either complete or absent. Folders whose name starts with '.' are never listed and are removed at start.
 */
final class SnapshotStore {
    static final String MANIFEST = "manifest.json";
    static final String TREE = "tree";
    private static final String TMP_PREFIX = ".tmp-";
    private static final int CHUNK = 64 * 1024;

    private final Path root;
    private final SnapshotWriteHook hook;

    SnapshotStore(Path root, SnapshotWriteHook hook) {
        this.root = root;
        this.hook = hook;
    }

    Path root() {
        return root;
    }

    /** Removes temporary folders left by an interrupted snapshot or delete. */
    void removeLeftovers() throws IOException {
        Files.createDirectories(root);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, p -> p.getFileName().toString().startsWith("."))) {
            for (Path d : dirs) Trees.deleteRecursively(d);
        }
    }

    /** Every complete snapshot; a folder with an unreadable manifest is skipped with a warning. */
    List<Snapshot> load() throws IOException {
        List<Snapshot> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, p -> !p.getFileName().toString().startsWith("."))) {
            for (Path d : dirs) {
                Path m = d.resolve(MANIFEST);
                if (!Files.isRegularFile(m)) continue;
                try {
                    out.add(Trees.readJson(m, SnapshotManifest.class).snapshot());
                } catch (IOException e) {
                    System.getLogger(SnapshotStore.class.getName()).log(System.Logger.Level.WARNING,
                            "skipping snapshot " + d + ": unreadable manifest: " + e.getMessage());
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Snapshot::createdAt));
        return out;
    }

    /**
     * Copies {@code source} into a new snapshot. On any failure the partial copy is removed; a full disk fails with
     * {@link ErrorCode#NO_SPACE}.
     */
    Snapshot create(String id, String name, String sandboxId, String sandboxName, String parentId, Path source) {
        Path tmp = root.resolve(TMP_PREFIX + id);
        Path fin = root.resolve(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(tmp);
            Copy copy = new Copy(source, tmp.resolve(TREE));
            Files.walkFileTree(source, copy);
            Snapshot snap = new Snapshot(id, name, sandboxId, sandboxName, parentId, SnapshotKind.FILESYSTEM,
                    SnapshotState.READY, copy.bytes, copy.files, Instant.now(), fin.toString());
            Path manifest = tmp.resolve(MANIFEST);
            byte[] json = dev.sandtable.json.Json.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new SnapshotManifest(SnapshotManifest.FORMAT, snap, copy.entries));
            write(manifest, json, copy);
            Trees.fsync(tmp);
            Files.move(tmp, fin, StandardCopyOption.ATOMIC_MOVE);
            Trees.fsync(root);
            return snap;
        } catch (IOException e) {
            Trees.deleteQuietly(tmp);
            if (isNoSpace(e))
                throw new SandtableException(ErrorCode.NO_SPACE, "not enough disk space for snapshot '" + name + "' of sandbox '"
                        + sandboxName + "' in " + root + " (" + usableSpace() + " free): the partial copy was removed and "
                        + "existing snapshots are untouched; free some space and try again", e);
            throw new SandtableException(ErrorCode.INTERNAL, "snapshot '" + name + "' of sandbox '" + sandboxName
                    + "' failed: " + describe(e) + "; the partial copy was removed", e);
        } catch (RuntimeException e) {
            Trees.deleteQuietly(tmp);
            throw e;
        }
    }

    SnapshotManifest manifest(Snapshot snap) {
        try {
            return Trees.readJson(root.resolve(snap.id()).resolve(MANIFEST), SnapshotManifest.class);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.CORRUPT, "snapshot '" + snap.name() + "' is damaged: its manifest cannot be read ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Checks every entry against the manifest; throws {@link ErrorCode#CORRUPT} naming the first bad file. */
    void verify(Snapshot snap) {
        SnapshotManifest m = manifest(snap);
        Path tree = root.resolve(snap.id()).resolve(TREE);
        for (SnapshotManifest.Entry e : m.entries()) {
            Path p = e.path().isEmpty() ? tree : tree.resolve(e.path());
            String bad = check(p, e);
            if (bad != null)
                throw new SandtableException(ErrorCode.CORRUPT, "snapshot '" + snap.name() + "' is damaged and cannot be restored: "
                        + (e.path().isEmpty() ? "its tree" : "'" + e.path() + "'") + " " + bad);
        }
    }

    /** Copies a verified snapshot's tree into {@code target} (which must not exist yet), modes and links included. */
    void copyOut(Snapshot snap, Path target) throws IOException {
        SnapshotManifest m = manifest(snap);
        Path tree = root.resolve(snap.id()).resolve(TREE);
        List<SnapshotManifest.Entry> dirs = new ArrayList<>();
        for (SnapshotManifest.Entry e : m.entries()) {
            Path to = e.path().isEmpty() ? target : target.resolve(e.path());
            switch (e.type()) {
                case DIRECTORY -> {
                    Files.createDirectories(to);
                    dirs.add(e);
                }
                case FILE -> {
                    Files.copy(tree.resolve(e.path()), to);
                    Files.setPosixFilePermissions(to, permissions(e.mode()));
                }
                case SYMLINK -> Files.createSymbolicLink(to, Path.of(e.target()));
            }
        }
        for (int i = dirs.size() - 1; i >= 0; i--) {
            SnapshotManifest.Entry e = dirs.get(i);
            Files.setPosixFilePermissions(e.path().isEmpty() ? target : target.resolve(e.path()), permissions(e.mode()));
        }
    }

    /** Renames the snapshot out of the listing first, so an interrupted delete leaves only a leftover folder. */
    void delete(Snapshot snap) throws IOException {
        Path dir = root.resolve(snap.id());
        Path doomed = root.resolve(TMP_PREFIX + "deleted-" + snap.id());
        if (Files.exists(dir)) Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        Trees.deleteRecursively(doomed);
    }

    private static String check(Path p, SnapshotManifest.Entry e) {
        try {
            switch (e.type()) {
                case DIRECTORY -> {
                    return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? null : "is missing (a directory)";
                }
                case SYMLINK -> {
                    if (!Files.isSymbolicLink(p)) return "is missing (a symbolic link)";
                    return Files.readSymbolicLink(p).toString().equals(e.target()) ? null : "points elsewhere than recorded";
                }
                default -> {
                    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return "is missing";
                    long size = Files.size(p);
                    if (size != e.size()) return "has " + size + " bytes instead of " + e.size();
                    return sha256(p).equals(e.sha256()) ? null : "fails its SHA-256 checksum";
                }
            }
        } catch (IOException ex) {
            return "cannot be read (" + ex.getMessage() + ")";
        }
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[CHUNK];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes through the hook (so a full disk can hit the manifest too) and fsyncs. */
    private void write(Path file, byte[] content, Copy progress) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int off = 0; off < content.length; off += CHUNK) {
                int n = Math.min(CHUNK, content.length - off);
                hook.beforeWrite(file, progress.written, n);
                ByteBuffer b = ByteBuffer.wrap(content, off, n);
                while (b.hasRemaining()) ch.write(b);
                progress.written += n;
            }
            ch.force(true);
        }
    }

    private final class Copy extends SimpleFileVisitor<Path> {
        final Path source;
        final Path target;
        final List<SnapshotManifest.Entry> entries = new ArrayList<>();
        long bytes;
        long files;
        long written;

        Copy(Path source, Path target) {
            this.source = source;
            this.target = target;
        }

        private String rel(Path p) {
            return source.relativize(p).toString().replace('\\', '/');
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            Path to = target.resolve(rel(dir));
            Files.createDirectories(to);
            entries.add(new SnapshotManifest.Entry(rel(dir), SnapshotManifest.Type.DIRECTORY, mode(dir), 0, null, null));
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Path to = target.resolve(rel(file));
            if (attrs.isSymbolicLink()) {
                Path link = Files.readSymbolicLink(file);
                Files.createSymbolicLink(to, link);
                entries.add(new SnapshotManifest.Entry(rel(file), SnapshotManifest.Type.SYMLINK, null, 0, null, link.toString()));
            } else if (attrs.isRegularFile()) {
                MessageDigest md = digest();
                long size = 0;
                try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
                     FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    byte[] buf = new byte[CHUNK];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        hook.beforeWrite(to, written, n);
                        md.update(buf, 0, n);
                        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                        while (b.hasRemaining()) out.write(b);
                        size += n;
                        written += n;
                    }
                    out.force(true);
                }
                String mode = mode(file);
                Files.setPosixFilePermissions(to, permissions(mode));
                entries.add(new SnapshotManifest.Entry(rel(file), SnapshotManifest.Type.FILE, mode, size,
                        HexFormat.of().formatHex(md.digest()), null));
                bytes += size;
                files++;
            }
            // sockets, fifos and devices are not part of a snapshot
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) throw exc;
            Path to = target.resolve(rel(dir));
            Trees.fsync(to);
            return FileVisitResult.CONTINUE;
        }
    }

    private static String mode(Path p) throws IOException {
        int m = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
            m |= 1 << (8 - perm.ordinal());
        return String.format("%04o", m);
    }

    static Set<PosixFilePermission> permissions(String octal) {
        int m = Integer.parseInt(octal, 8);
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission perm : PosixFilePermission.values())
            if ((m & (1 << (8 - perm.ordinal()))) != 0) out.add(perm);
        return out;
    }

    private String usableSpace() {
        try {
            long free = Files.getFileStore(root).getUsableSpace();
            return free >= 1 << 20 ? (free >> 20) + " MiB" : (free >> 10) + " KiB";
        } catch (IOException e) {
            return "unknown space";
        }
    }

    static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = t instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : t.getMessage();
            if (msg != null && (msg.contains("No space left on device") || msg.contains("Disk quota exceeded"))) return true;
        }
        return false;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
