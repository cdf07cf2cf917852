package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** envd's filesystem.Filesystem unary RPCs on one sandbox: Stat, ListDir, MakeDir, Move, Remove. */
final class EnvdFilesystem {
    private final SandboxView view;

    EnvdFilesystem(SandboxView view) {
        this.view = view;
    }

    ObjectNode stat(JsonNode req) {
        String path = view.resolve(ProtoJson.string(req, "path"));
        ObjectNode out = ProtoJson.object();
        out.set("entry", entry(path, view.host(path)));
        return out;
    }

    ObjectNode listDir(JsonNode req) {
        String path = view.resolve(ProtoJson.string(req, "path"));
        long depth = Math.max(1, ProtoJson.number(req, "depth", null));
        Path host = view.host(path);
        if (!Files.exists(host)) throw ConnectError.notFound("directory '" + path + "' does not exist");
        if (!Files.isDirectory(host)) throw ConnectError.invalidArgument("path '" + path + "' is not a directory");
        ArrayNode entries = ProtoJson.object().arrayNode();
        list(path, host, depth, entries);
        ObjectNode out = ProtoJson.object();
        out.set("entries", entries);
        return out;
    }

    private void list(String inside, Path host, long depth, ArrayNode into) {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(host)) {
            for (Path child : dir) {
                String childInside = inside.equals("/") ? "/" + child.getFileName() : inside + "/" + child.getFileName();
                try {
                    into.add(entry(childInside, child));
                } catch (ConnectError gone) {
                    continue; // removed while listing
                }
                if (depth > 1 && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) list(childInside, child, depth - 1, into);
            }
        } catch (IOException e) {
            throw failure("list", inside, e);
        }
    }

    ObjectNode makeDir(JsonNode req) {
        String path = view.resolve(ProtoJson.string(req, "path"));
        Path host = view.host(path);
        if (Files.isDirectory(host)) throw new ConnectError("already_exists", "directory '" + path + "' already exists");
        if (Files.exists(host, LinkOption.NOFOLLOW_LINKS))
            throw invalidPath(path + " already exists and is not a directory");
        try {
            Files.createDirectories(host);
        } catch (IOException e) {
            throw failure("create directory", path, e);
        }
        ObjectNode out = ProtoJson.object();
        out.set("entry", entry(path, host));
        return out;
    }

    ObjectNode move(JsonNode req) {
        String source = view.resolve(ProtoJson.string(req, "source"));
        String destination = view.resolve(ProtoJson.string(req, "destination"));
        Path from = view.host(source);
        Path to = view.host(destination);
        if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) throw ConnectError.notFound("source '" + source + "' does not exist");
        try {
            if (to.getParent() != null) Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failure("move to '" + destination + "'", source, e);
        }
        ObjectNode out = ProtoJson.object();
        out.set("entry", entry(destination, to));
        return out;
    }

    ObjectNode remove(JsonNode req) {
        String path = view.resolve(ProtoJson.string(req, "path"));
        Path host = view.host(path);
        if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) throw ConnectError.notFound("path '" + path + "' does not exist");
        try (var walk = Files.walk(host)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw failure("remove", path, e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e);
        }
        if (Files.exists(host, LinkOption.NOFOLLOW_LINKS)) throw ConnectError.internal("could not remove '" + path + "' completely");
        return ProtoJson.object();
    }

    /** envd's EntryInfo of one path (the link itself for a symlink, with its target). */
    static ObjectNode entry(String inside, Path host) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(host, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw ConnectError.notFound("file or directory '" + inside + "' does not exist");
        } catch (IOException e) {
            throw failure("stat", inside, e);
        }
        ObjectNode n = ProtoJson.object();
        Path name = Path.of(inside).getFileName();
        n.put("name", name == null ? "/" : name.toString());
        String type = a.isSymbolicLink() ? "FILE_TYPE_SYMLINK" : a.isDirectory() ? "FILE_TYPE_DIRECTORY" : "FILE_TYPE_FILE";
        if (a.isSymbolicLink()) {
            // envd reports what the link points at, and the link's target
            try {
                PosixFileAttributes target = Files.readAttributes(host, PosixFileAttributes.class);
                type = target.isDirectory() ? "FILE_TYPE_DIRECTORY" : "FILE_TYPE_FILE";
            } catch (IOException dangling) {
                // keep SYMLINK
            }
        }
        n.put("type", type);
        n.put("path", inside);
        n.put("size", Long.toString(a.size()));
        Set<PosixFilePermission> perms = a.permissions();
        int mode = 0;
        for (PosixFilePermission p : perms) mode |= 1 << (8 - p.ordinal());
        if (mode != 0) n.put("mode", mode);
        char kind = a.isSymbolicLink() ? 'L' : a.isDirectory() ? 'd' : '-';
        n.put("permissions", kind + PosixFilePermissions.toString(perms));
        n.put("owner", a.owner().getName());
        n.put("group", a.group().getName());
        n.put("modifiedTime", ProtoJson.timestamp(a.lastModifiedTime().toInstant()));
        if (a.isSymbolicLink()) {
            try {
                n.put("symlinkTarget", Files.readSymbolicLink(host).toString());
            } catch (IOException ignored) {
                // unreadable link
            }
        }
        return n;
    }

    private static ConnectError invalidPath(String message) {
        return ConnectError.invalidArgument(message);
    }

    static ConnectError failure(String what, String path, IOException e) {
        if (e instanceof NoSuchFileException) return ConnectError.notFound("'" + path + "' does not exist");
        if (e instanceof AccessDeniedException) return new ConnectError("permission_denied", "cannot " + what + " '" + path + "': permission denied");
        if (e instanceof FileAlreadyExistsException) return new ConnectError("already_exists", "'" + path + "' already exists");
        if (e instanceof NotDirectoryException) return ConnectError.invalidArgument("'" + path + "' is not a directory");
        return ConnectError.internal("cannot " + what + " '" + path + "': " + e.getMessage());
    }
}
