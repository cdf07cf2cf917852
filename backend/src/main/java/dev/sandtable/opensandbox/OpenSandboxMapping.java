package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.SourceKind;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** OpenSandbox's JSON (sandbox-lifecycle.yml, and the pool API of api/pool.py) onto the model (sandbox-systems.md §7). */
public final class OpenSandboxMapping {
    /** The metadata key the spec names for a human-readable name. */
    public static final String NAME_KEY = "name";
    /** The extensions key that creates a sandbox from a pool. */
    public static final String POOL_REF = "poolRef";

    private OpenSandboxMapping() {
    }

    /** OpenSandbox's {@code status.state}, including the Kubernetes providers' non-spec {@code Allocated}. */
    public static SandboxState state(String raw) {
        if (raw == null) return SandboxState.UNKNOWN;
        return switch (raw) {
            case "Pending" -> SandboxState.PENDING;
            case "Allocated" -> SandboxState.STARTING;
            case "Running" -> SandboxState.RUNNING;
            case "Pausing" -> SandboxState.PAUSING;
            case "Paused" -> SandboxState.PAUSED;
            case "Resuming" -> SandboxState.RESUMING;
            case "Stopping" -> SandboxState.STOPPING;
            case "Terminated" -> SandboxState.TERMINATED;
            case "Failed" -> SandboxState.FAILED;
            default -> SandboxState.UNKNOWN; // the spec says new values may appear
        };
    }

    public static SnapshotState snapshotState(String raw) {
        if (raw == null) return SnapshotState.CREATING;
        return switch (raw) {
            case "Ready" -> SnapshotState.READY;
            case "Failed" -> SnapshotState.FAILED;
            case "Deleting" -> SnapshotState.DELETING;
            default -> SnapshotState.CREATING;
        };
    }

    static Isolation isolation(String apiUrl) {
        return new Isolation("container", true, "a container or pod run by the OpenSandbox server at " + apiUrl
                + " (runc, gVisor, Kata or Firecracker as the server is configured)");
    }

    /** A {@code Sandbox} or {@code CreateSandboxResponse}; {@code poolHint} names the pool a claim came from. */
    static Sandbox sandbox(JsonNode n, Isolation isolation, String poolHint) {
        String id = n.path("id").asText();
        Map<String, String> meta = new LinkedHashMap<>();
        n.path("metadata").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        JsonNode status = n.path("status");
        String raw = text(status, "state");
        String reason = text(status, "message");
        if (reason == null) reason = text(status, "reason");
        String image = text(n.path("image"), "uri");
        String snapshot = text(n, "snapshotId");
        SourceKind kind = poolHint != null ? SourceKind.POOL : snapshot != null ? SourceKind.SNAPSHOT : image != null ? SourceKind.IMAGE : SourceKind.UNKNOWN;
        String ref = poolHint != null ? poolHint : snapshot != null ? snapshot : image;
        Instant created = time(n, "createdAt");
        Instant changed = time(status, "lastTransitionAt");
        return new Sandbox(id, meta.getOrDefault(NAME_KEY, id), image, kind, ref, state(raw), raw, reason,
                created, changed == null ? created : changed, time(n, "expiresAt"), isolation, poolHint, meta);
    }

    static Snapshot snapshot(JsonNode n, Map<String, Sandbox> known) {
        String id = n.path("id").asText();
        String source = text(n, "sandboxId");
        Sandbox s = source == null ? null : known.get(source);
        String name = text(n, "name");
        return new Snapshot(id, name == null ? id : name, source, s == null ? source : s.name(),
                s == null || s.sourceKind() != SourceKind.SNAPSHOT ? null : s.sourceRef(),
                SnapshotKind.OCI_IMAGE, snapshotState(text(n.path("status"), "state")), 0, 0, time(n, "createdAt"), null);
    }

    /** A {@code PoolResponse}: buffer = idle members kept warm, pool = all members. */
    static Pool pool(JsonNode n) {
        JsonNode cap = n.path("capacitySpec");
        JsonNode st = n.path("status");
        int total = st.path("total").asInt(0);
        int allocated = st.path("allocated").asInt(0);
        int available = st.path("available").asInt(0);
        return new Pool(n.path("name").asText(), poolImage(n), cap.path("bufferMin").asInt(0), cap.path("poolMax").asInt(0),
                available, allocated, Math.max(0, total - allocated - available), false, PoolStats.EMPTY, time(n, "createdAt"));
    }

    /** The first container image of a pool's template, when the server returns the template. */
    private static String poolImage(JsonNode n) {
        JsonNode containers = n.path("template").path("spec").path("containers");
        return containers.isArray() && !containers.isEmpty() ? text(containers.get(0), "image") : null;
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? v.asText() : null;
    }

    static Instant time(JsonNode n, String field) {
        String t = text(n, field);
        if (t == null) return null;
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
