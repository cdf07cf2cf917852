package dev.sandtable.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One sandbox as every backend reports it (see sandbox-systems.md section 7.1).
 *
 * @param id             backend-unique, stable id
 * @param name           human name (unique per backend for the local runtime)
 * @param templateId     template it was made from, or null
 * @param sourceKind     template, snapshot, pool, ...
 * @param sourceRef      the template id, snapshot id or pool name it came from
 * @param state          normalized state
 * @param rawState       the backend's own word for the state
 * @param stateReason    why it is in that state (null when there is nothing to say)
 * @param createdAt      creation time
 * @param stateChangedAt last state transition
 * @param expiresAt      when the backend will end it, or null for never
 * @param isolation      how it is isolated
 * @param poolName       the pool it belongs to (idle or claimed), or null
 * @param metadata       free-form labels
 */
public record Sandbox(
        String id,
        String name,
        String templateId,
        SourceKind sourceKind,
        String sourceRef,
        SandboxState state,
        String rawState,
        String stateReason,
        Instant createdAt,
        Instant stateChangedAt,
        Instant expiresAt,
        Isolation isolation,
        String poolName,
        Map<String, String> metadata) implements Resource {

    public Sandbox {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        sourceKind = sourceKind == null ? SourceKind.UNKNOWN : sourceKind;
        rawState = rawState == null ? state.name().toLowerCase(java.util.Locale.ROOT) : rawState;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    @Override
    public String key() {
        return id;
    }

    @Override
    public ResourceKind resourceKind() {
        return ResourceKind.SANDBOX;
    }

    public Sandbox withState(SandboxState newState, String newRawState, String reason, Instant at) {
        return new Sandbox(id, name, templateId, sourceKind, sourceRef, newState, newRawState, reason,
                createdAt, at, expiresAt, isolation, poolName, metadata);
    }

    public Sandbox withPool(String newPoolName) {
        return new Sandbox(id, name, templateId, sourceKind, sourceRef, state, rawState, stateReason,
                createdAt, stateChangedAt, expiresAt, isolation, newPoolName, metadata);
    }
}
