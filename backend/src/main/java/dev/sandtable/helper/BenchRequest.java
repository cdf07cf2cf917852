package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * An io_uring benchmark: on a file in the helper's image directories, or on a device the helper attached (by id).
 * {@code spanBytes} limits the part of the target used (0: all of it).
 */
public record BenchRequest(Target target, boolean write, boolean random, boolean directIo, int blockSize, int queueDepth,
                           Duration duration, long spanBytes) {

    public sealed interface Target {
    }

    public record FileTarget(Path path) implements Target {
        public FileTarget {
            Objects.requireNonNull(path, "path");
        }
    }

    public record DeviceTarget(int deviceId) implements Target {
    }

    public BenchRequest {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(duration, "duration");
        if (blockSize < 512 || blockSize > (4 << 20) || Integer.bitCount(blockSize) != 1)
            throw invalid("block size must be a power of two from 512 bytes to 4 MiB");
        if (queueDepth < 1 || queueDepth > 1024) throw invalid("queue depth must be 1 to 1024");
        if (duration.toMillis() < 100 || duration.toMillis() > 600_000) throw invalid("duration must be 100 ms to 10 minutes");
        if (spanBytes < 0) throw invalid("the span cannot be negative");
    }

    private static SandtableException invalid(String why) {
        return new SandtableException(ErrorCode.INVALID_ARGUMENT, why);
    }

    /** 4 KiB random reads at queue depth 32 with O_DIRECT for 5 seconds: the usual IOPS test. */
    public static BenchRequest randomRead(Target target) {
        return new BenchRequest(target, false, true, true, 4096, 32, Duration.ofSeconds(5), 0);
    }

    public BenchRequest with(boolean write, boolean random, boolean direct, int bs, int qd, Duration d) {
        return new BenchRequest(target, write, random, direct, bs, qd, d, spanBytes);
    }
}
