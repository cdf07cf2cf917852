package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Instant;
import java.util.List;

/**
 * The fields of a {@code SandboxClaim} (extensions.agents.x-k8s.io) Sandtable uses.
 *
 * @param pool    v1beta1 {@code spec.warmPoolRef.name}; v1alpha1 {@code spec.warmpool} ("none" and "default" read as
 *                no named pool)
 * @param sandbox {@code status.sandbox.name}: the Sandbox it adopted or created, once known
 */
public record AgentClaim(String name, String uid, String pool, String templateRef, String sandbox, List<Condition> conditions,
                         Instant createdAt) {
    public static AgentClaim of(GenericKubernetesResource r) {
        String pool;
        if (AgentSandbox.V1alpha1.is(r)) {
            String wp = Fields.string(r, "spec", "warmpool");
            pool = wp == null || wp.equals("none") || wp.equals("default") ? null : wp;
        } else {
            pool = Fields.string(r, "spec", "warmPoolRef", "name");
        }
        return new AgentClaim(r.getMetadata().getName(), r.getMetadata().getUid(), pool,
                Fields.string(r, "spec", "sandboxTemplateRef", "name"), Fields.string(r, "status", "sandbox", "name"),
                Condition.of(Fields.list(r, "status", "conditions")), Fields.instant(r.getMetadata().getCreationTimestamp()));
    }

    public boolean ready() {
        return Condition.find(conditions, "Ready").map(Condition::isTrue).orElse(false);
    }
}
