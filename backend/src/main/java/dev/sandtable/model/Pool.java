package dev.sandtable.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A warm pool of sandboxes made from one template (open-lambda SandboxSet semantics for the local runtime).
 *
 * @param name       unique per backend; the pool's key
 * @param templateId template its members are made from
 * @param minIdle    idle members the pool keeps ready
 * @param maxSize    most members (idle + in use) at once
 * @param idle       members ready to be claimed
 * @param inUse      members claimed and not yet released
 * @param starting   members being created by refill
 * @param closing    true once the pool is being deleted
 * @param stats      counters and claim latency
 * @param createdAt  creation time
 */
public record Pool(String name, String templateId, int minIdle, int maxSize, int idle, int inUse, int starting,
                   boolean closing, PoolStats stats, Instant createdAt) implements Resource {
    public Pool {
        Objects.requireNonNull(name, "name");
        stats = stats == null ? PoolStats.EMPTY : stats;
    }

    @Override
    public String key() {
        return name;
    }

    @Override
    public ResourceKind resourceKind() {
        return ResourceKind.POOL;
    }

    public int size() {
        return idle + inUse + starting;
    }
}
