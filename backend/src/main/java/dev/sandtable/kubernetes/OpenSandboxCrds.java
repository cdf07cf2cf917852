package dev.sandtable.kubernetes;

import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.SourceKind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenSandbox's custom resources ({@code sandbox.opensandbox.io/v1alpha1}, sandbox-systems.md section 1.4) as model
 * records. Every field read here is listed in {@link AgentKind} and checked against the CRDs.
 */
public final class OpenSandboxCrds {
    /** BatchSandbox ids carry this prefix, so one never shares an id with an agent-sandbox Sandbox or a pod. */
    public static final String BATCH_PREFIX = "bsbx/";

    private OpenSandboxCrds() {
    }

    /**
     * A BatchSandbox: its state from {@code status.phase} ({@code Succeed} means its pods are allocated and, once
     * {@code ready == replicas}, running); the raw state carries the ready/replicas counts.
     */
    public static Sandbox batchSandbox(GenericKubernetesResource r) {
        ObjectMeta m = r.getMetadata();
        String phase = Fields.string(r, "status", "phase");
        int replicas = orZero(Fields.integer(r, "spec", "replicas"), 1);
        int ready = orZero(Fields.integer(r, "status", "ready"), 0);
        int allocated = orZero(Fields.integer(r, "status", "allocated"), 0);
        Instant created = Fields.instant(m.getCreationTimestamp());
        SandboxState state;
        if (m.getDeletionTimestamp() != null) state = SandboxState.STOPPING;
        else state = switch (phase == null ? "Pending" : phase) {
            case "Pending" -> allocated > 0 ? SandboxState.STARTING : SandboxState.PENDING;
            case "Succeed" -> ready >= replicas ? SandboxState.RUNNING : SandboxState.STARTING;
            case "Pausing" -> SandboxState.PAUSING;
            case "Paused" -> SandboxState.PAUSED;
            case "Resuming" -> SandboxState.RESUMING;
            case "Failed" -> SandboxState.FAILED;
            default -> SandboxState.UNKNOWN;
        };
        String raw = (m.getDeletionTimestamp() != null ? "Terminating" : phase == null ? "Pending" : phase)
                + " " + ready + "/" + replicas + " ready";
        String reason = failing(Fields.list(r, "status", "conditions"))
                .orElse("ready " + ready + " of " + replicas + ", allocated " + allocated);
        String poolRef = Fields.string(r, "spec", "poolRef");
        String pool = poolRef == null || poolRef.isBlank() ? null : poolRef;
        Map<String, String> meta = new LinkedHashMap<>(m.getLabels() == null ? Map.of() : m.getLabels());
        meta.put("kind", "BatchSandbox");
        meta.put("replicas", String.valueOf(replicas));
        meta.put("ready", String.valueOf(ready));
        meta.put("allocated", String.valueOf(allocated));
        if (Boolean.TRUE.equals(Fields.get(r, "spec", "pause"))) meta.put("pause", "true");
        return new Sandbox(BATCH_PREFIX + m.getName(), m.getName(), null, pool != null ? SourceKind.POOL : SourceKind.IMAGE, pool,
                state, raw, reason, created, created, Fields.instant(Fields.get(r, "spec", "expireTime")),
                KubeMapping.isolation(null, null), pool, meta);
    }

    /** The message of a condition that reports trouble (PodFailed, PauseFailed, ResumeFailed, Ready=False), if any. */
    private static Optional<String> failing(List<Map<String, Object>> conditions) {
        for (Condition c : Condition.of(conditions)) {
            boolean bad = c.type().endsWith("Failed") ? c.isTrue() : "Ready".equals(c.type()) && c.isFalse();
            if (bad) return Optional.of(c.message() != null && !c.message().isBlank() ? c.message() : c.type());
        }
        return Optional.empty();
    }

    /**
     * A Pool: {@code bufferMin} warm idle members kept ({@code minIdle}), {@code poolMax} members at most; of the
     * {@code status.total} members, {@code available} are idle, {@code allocated} in use, the rest starting.
     */
    public static Pool pool(GenericKubernetesResource r) {
        ObjectMeta m = r.getMetadata();
        int bufferMin = orZero(Fields.integer(r, "spec", "capacitySpec", "bufferMin"), 0);
        int poolMax = orZero(Fields.integer(r, "spec", "capacitySpec", "poolMax"), 0);
        int total = orZero(Fields.integer(r, "status", "total"), 0);
        int allocated = orZero(Fields.integer(r, "status", "allocated"), 0);
        int available = orZero(Fields.integer(r, "status", "available"), 0);
        return new Pool(m.getName(), null, bufferMin, poolMax, available, allocated, Math.max(0, total - allocated - available),
                m.getDeletionTimestamp() != null, PoolStats.EMPTY, Fields.instant(m.getCreationTimestamp()));
    }

    /** A SandboxSnapshot: the committed container images of one BatchSandbox's pod. */
    public static Snapshot snapshot(GenericKubernetesResource r) {
        ObjectMeta m = r.getMetadata();
        String phase = Fields.string(r, "status", "phase");
        SnapshotState state = m.getDeletionTimestamp() != null ? SnapshotState.DELETING : switch (phase == null ? "Pending" : phase) {
            case "Succeed" -> SnapshotState.READY;
            case "Failed" -> SnapshotState.FAILED;
            default -> SnapshotState.CREATING;
        };
        String source = Fields.string(r, "spec", "sandboxName");
        String image = Fields.list(r, "status", "containers").stream().map(c -> c.get("imageUri"))
                .filter(java.util.Objects::nonNull).map(Object::toString).findFirst().orElse(null);
        return new Snapshot(m.getName(), m.getName(), source == null ? null : BATCH_PREFIX + source, source, null,
                SnapshotKind.OCI_IMAGE, state, 0, 0, Fields.instant(m.getCreationTimestamp()), image);
    }

    /**
     * A Pool's {@code capacitySpec} with {@code bufferMin} and {@code poolMax} set, {@code bufferMax} raised to at least
     * {@code bufferMin} and {@code poolMin} lowered to at most {@code poolMax}; other keys are kept.
     */
    public static Map<String, Object> resized(Object capacitySpec, int bufferMin, int poolMax) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (capacitySpec instanceof Map<?, ?> m) m.forEach((k, v) -> c.put(String.valueOf(k), v));
        c.put("bufferMin", bufferMin);
        c.put("poolMax", poolMax);
        c.put("bufferMax", Math.max(bufferMin, number(c.get("bufferMax"))));
        c.put("poolMin", Math.min(poolMax, number(c.get("poolMin"))));
        return c;
    }

    private static int number(Object v) {
        return v instanceof Number n ? n.intValue() : 0;
    }

    private static int orZero(Integer v, int dflt) {
        return v == null ? dflt : v;
    }
}
