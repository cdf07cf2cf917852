package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory tree as a raw ext4 image ({@code mkfs.ext4 -d}), so that a snapshot can be attached as a block device.
 * Runs as the calling user: no root is needed to make the image, only to attach it.
 */
public final class Ext4Image {
    private static final long MIB = 1 << 20;

    private Ext4Image() {
    }

    /** Writes {@code image} (which must not exist) holding {@code tree}; returns its size in bytes. */
    public static long fromTree(Path tree, Path image, String label) {
        if (!Files.isDirectory(tree)) throw new SandtableException(ErrorCode.NOT_FOUND, "no directory " + tree);
        if (Files.exists(image)) throw new SandtableException(ErrorCode.ALREADY_EXISTS, image + " already exists");
        long size = sizeFor(tree);
        try {
            Files.createDirectories(image.toAbsolutePath().getParent());
            List<String> cmd = List.of(mkfs(), "-q", "-F", "-d", tree.toString(), "-L", label.length() > 16 ? label.substring(0, 16) : label,
                    "-E", "root_owner=" + uid() + ":" + gid(), image.toString(), (size / 1024) + "k");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.UNSUPPORTED, "mkfs.ext4 is missing: install e2fsprogs (apt-get install e2fsprogs)", e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new SandtableException(ErrorCode.INTERNAL, "mkfs.ext4 did not finish within 5 minutes");
            }
            if (p.exitValue() != 0) {
                Files.deleteIfExists(image);
                throw new SandtableException(ErrorCode.INTERNAL, "mkfs.ext4 failed: " + out);
            }
            return Files.size(image);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INTERNAL, "cannot write " + image + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandtableException(ErrorCode.INTERNAL, "interrupted while making " + image, e);
        }
    }

    /** The content plus room for metadata (inodes, journal), rounded up to a MiB; at least 16 MiB. */
    static long sizeFor(Path tree) {
        long[] bytes = {0, 0};
        try {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    bytes[0] += (a.size() + 4095) / 4096 * 4096;
                    bytes[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    bytes[1]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INTERNAL, "cannot read " + tree + ": " + e.getMessage(), e);
        }
        long want = bytes[0] + bytes[0] / 4 + bytes[1] * 4096 + 16 * MIB;
        return (want + MIB - 1) / MIB * MIB;
    }

    /** mkfs.ext4 from PATH, or from /usr/sbin and /sbin, which a user's PATH often lacks. */
    private static String mkfs() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "mkfs.ext4"))) return Path.of(d, "mkfs.ext4").toString();
        }
        return "mkfs.ext4";
    }

    private static String uid() throws IOException {
        return ownId("-u");
    }

    private static String gid() throws IOException {
        return ownId("-g");
    }

    private static String ownId(String flag) throws IOException {
        Process p = new ProcessBuilder("id", flag).start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
}
