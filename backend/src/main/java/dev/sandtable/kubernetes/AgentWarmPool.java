package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Instant;

/** The fields of a {@code SandboxWarmPool} (extensions.agents.x-k8s.io) Sandtable uses. */
public record AgentWarmPool(String name, String templateRef, int desired, int replicas, int ready, Instant createdAt,
                            boolean deleting) {
    public static AgentWarmPool of(GenericKubernetesResource r) {
        Integer desired = Fields.integer(r, "spec", "replicas");
        Integer replicas = Fields.integer(r, "status", "replicas");
        Integer ready = Fields.integer(r, "status", "readyReplicas");
        return new AgentWarmPool(r.getMetadata().getName(), Fields.string(r, "spec", "sandboxTemplateRef", "name"),
                desired == null ? 1 : desired, replicas == null ? 0 : replicas, ready == null ? 0 : ready,
                Fields.instant(r.getMetadata().getCreationTimestamp()), r.getMetadata().getDeletionTimestamp() != null);
    }
}
