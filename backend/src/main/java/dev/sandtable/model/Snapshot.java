package dev.sandtable.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A user-visible snapshot: restorable into any number of new sandboxes (1:N).
 *
 * @param id               stable id
 * @param name             human name
 * @param sourceSandboxId  the sandbox it was taken from
 * @param sourceSandboxName that sandbox's name at the time (it may be gone now)
 * @param parentSnapshotId the snapshot the source sandbox was restored from, or null (lineage)
 * @param kind             what it captures (memory, file tree, image)
 * @param state            creating, ready, ...
 * @param sizeBytes        bytes of file content
 * @param fileCount        regular files in it
 * @param createdAt        when it became ready
 * @param location         where it lives (a directory, an image reference)
 */
public record Snapshot(String id, String name, String sourceSandboxId, String sourceSandboxName, String parentSnapshotId,
                       SnapshotKind kind, SnapshotState state, long sizeBytes, long fileCount, Instant createdAt,
                       String location) implements Resource {
    public Snapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        kind = kind == null ? SnapshotKind.UNKNOWN : kind;
        state = state == null ? SnapshotState.READY : state;
    }

    @Override
    public String key() {
        return id;
    }

    @Override
    public ResourceKind resourceKind() {
        return ResourceKind.SNAPSHOT;
    }
}
