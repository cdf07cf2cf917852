package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The one-service-per-user lock: an OS file lock on {@code service.lock}, released by the OS when the process dies,
 * so a crashed service never blocks the next one. The file itself is never deleted: deleting a lock file while
 * another process has it open lets two processes each lock a different file.
 */
public final class ServiceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ServiceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another service (in this or another process) holds it. */
    public static Optional<ServiceLock> tryAcquire(RuntimePaths paths) throws IOException {
        ServiceFiles.ensurePrivateDir(paths.runtime());
        Path file = ServiceFiles.lockFile(paths);
        if (!Files.exists(file)) ServiceFiles.createPrivateFile(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new ServiceLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
