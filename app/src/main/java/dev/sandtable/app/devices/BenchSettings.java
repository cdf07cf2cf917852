package dev.sandtable.app.devices;

import dev.sandtable.helper.BenchRequest;

import java.time.Duration;

/** The benchmark panel's choices; {@link #request()} checks the bounds and says what is wrong. */
public record BenchSettings(BenchRequest.Target target, boolean random, boolean write, int blockSize, int queueDepth,
                            Duration duration, boolean directIo) {
    public static BenchSettings defaults(BenchRequest.Target target) {
        return new BenchSettings(target, true, false, 4096, 32, Duration.ofSeconds(2), true);
    }

    BenchRequest request() {
        return new BenchRequest(target, write, random, directIo, blockSize, queueDepth, duration, 0);
    }

    /** "random read, 4 KiB, QD 32, O_DIRECT". */
    public String describe() {
        return (random ? "random " : "sequential ") + (write ? "write" : "read") + ", " + dev.sandtable.app.viewmodel.Formats.bytes(blockSize)
                + ", QD " + queueDepth + ", " + (directIo ? "O_DIRECT" : "buffered");
    }
}
