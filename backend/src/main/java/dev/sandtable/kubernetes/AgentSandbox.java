package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The fields of an agent-sandbox {@code Sandbox} (agents.x-k8s.io) Sandtable uses, read from v1beta1 or v1alpha1.
 *
 * @param suspended    v1beta1 {@code spec.operatingMode == Suspended}; v1alpha1 {@code spec.replicas == 0}
 * @param ownerPool    the SandboxWarmPool owning it (an unclaimed warm-pool member), or null
 * @param ownerClaim   the SandboxClaim owning it (adopted or created by a claim), or null
 */
public record AgentSandbox(String name, String uid, Instant createdAt, Instant deletingSince, Map<String, String> labels,
                           Map<String, String> annotations, boolean suspended, Instant shutdownTime,
                           List<Condition> conditions, List<String> podIPs, String nodeName, String runtimeClass,
                           String ownerPool, String ownerClaim) {
    public static final String LAUNCH_TYPE = "agents.x-k8s.io/launch-type";
    public static final String WARM_POOL_LABEL = "agents.x-k8s.io/warm-pool-sandbox";
    public static final String POD_NAME = "agents.x-k8s.io/pod-name";
    public static final String TEMPLATE_REF = "agents.x-k8s.io/sandbox-template-ref";

    public static AgentSandbox of(GenericKubernetesResource r) {
        ObjectMeta m = r.getMetadata();
        boolean suspended = V1alpha1.is(r)
                ? Integer.valueOf(0).equals(Fields.integer(r, "spec", "replicas"))
                : "Suspended".equals(Fields.string(r, "spec", "operatingMode"));
        @SuppressWarnings("unchecked")
        List<String> ips = Fields.get(r, "status", "podIPs") instanceof List<?> l ? (List<String>) l.stream().map(String::valueOf).toList() : List.of();
        return new AgentSandbox(m.getName(), m.getUid(), Fields.instant(m.getCreationTimestamp()),
                Fields.instant(m.getDeletionTimestamp()), nonNull(m.getLabels()), nonNull(m.getAnnotations()), suspended,
                Fields.instant(Fields.get(r, "spec", "shutdownTime")),
                Condition.of(Fields.list(r, "status", "conditions")), ips, Fields.string(r, "status", "nodeName"),
                Fields.string(r, "spec", "podTemplate", "spec", "runtimeClassName"), owner(m, AgentKind.WARM_POOL), owner(m, AgentKind.CLAIM));
    }

    /** The pod holding it: the pod-name annotation when the controller set one, else the Sandbox's own name. */
    public String podName() {
        return annotations.getOrDefault(POD_NAME, name);
    }

    /** "warm" or "cold" when a claim took it, else null. */
    public String launchType() {
        String t = labels.get(LAUNCH_TYPE);
        return t == null ? annotations.get(LAUNCH_TYPE) : t;
    }

    public String templateRef() {
        String t = annotations.get(TEMPLATE_REF);
        return t == null ? labels.get(TEMPLATE_REF) : t;
    }

    static String owner(ObjectMeta m, AgentKind kind) {
        if (m.getOwnerReferences() == null) return null;
        for (OwnerReference o : m.getOwnerReferences()) {
            if (kind.kind().equals(o.getKind()) && o.getApiVersion() != null && o.getApiVersion().startsWith(kind.group() + "/"))
                return o.getName();
        }
        return null;
    }

    static Map<String, String> nonNull(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    /** Which version an object came in as (informers of a v1alpha1-only cluster deliver v1alpha1). */
    static final class V1alpha1 {
        private V1alpha1() {
        }

        static boolean is(GenericKubernetesResource r) {
            return r.getApiVersion() != null && r.getApiVersion().endsWith("/" + AgentKind.V1ALPHA1);
        }
    }
}
