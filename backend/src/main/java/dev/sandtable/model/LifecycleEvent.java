package dev.sandtable.model;

import java.time.Instant;

/**
 * One entry of the lifecycle timeline: something happened to a resource.
 *
 * @param at           when it happened (backend clock)
 * @param resourceKind sandbox, pool, snapshot, template
 * @param resourceKey  the resource's key
 * @param resourceName the resource's name at the time
 * @param from         previous sandbox state (null for non-sandbox events or creation)
 * @param to           new sandbox state (null for non-sandbox events)
 * @param action       short verb: "created", "paused", "snapshotted", "claimed", "released", "destroyed", ...
 * @param detail       free text (null when nothing to add)
 */
public record LifecycleEvent(Instant at, ResourceKind resourceKind, String resourceKey, String resourceName,
                             SandboxState from, SandboxState to, String action, String detail) {
}
