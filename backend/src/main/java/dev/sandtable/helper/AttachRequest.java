package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An image to attach as a block device. With {@code passDescriptor} the client opens the image itself and hands the
 * helper the open descriptor (SCM_RIGHTS), so the user's own permissions decide; otherwise the helper opens the path,
 * which must lie in one of its image directories and contain no symbolic link.
 */
public record AttachRequest(Path image, boolean passDescriptor, DeviceBackend backend, AttachMode mode, boolean directIo,
                            int queues, int queueDepth) {
    public AttachRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(mode, "mode");
        if (queues < 1 || queues > 16 || queueDepth < 1 || queueDepth > 1024)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "queues must be 1-16 and queue depth 1-1024");
    }

    /** Read-only, direct IO, the helper's choice of backend, the path opened by the helper. */
    public static AttachRequest readOnly(Path image) {
        return new AttachRequest(image, false, DeviceBackend.AUTO, AttachMode.READ_ONLY, true, 1, 64);
    }

    public AttachRequest withBackend(DeviceBackend b) {
        return new AttachRequest(image, passDescriptor, b, mode, directIo, queues, queueDepth);
    }

    public AttachRequest withMode(AttachMode m) {
        return new AttachRequest(image, passDescriptor, backend, m, directIo, queues, queueDepth);
    }

    public AttachRequest withDirectIo(boolean d) {
        return new AttachRequest(image, passDescriptor, backend, mode, d, queues, queueDepth);
    }

    public AttachRequest withQueues(int q, int depth) {
        return new AttachRequest(image, passDescriptor, backend, mode, directIo, q, depth);
    }

    public AttachRequest passingDescriptor(boolean pass) {
        return new AttachRequest(image, pass, backend, mode, directIo, queues, queueDepth);
    }
}
