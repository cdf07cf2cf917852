package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.List;

/**
 * The four kinds of kubernetes-sigs/agent-sandbox and the three of OpenSandbox ({@code sandbox.opensandbox.io}), with the API versions Sandtable reads (newest first) and, per
 * version, every field path it reads or writes below {@code spec}/{@code status} ({@code []} steps into an array).
 * {@code AgentSandboxSchemaTest} checks each path against the CRD schemas, so a renamed field fails the build.
 */
public enum AgentKind {
    SANDBOX("agents.x-k8s.io", "sandboxes", "Sandbox",
            List.of("spec.operatingMode", "spec.podTemplate", "spec.podTemplate.spec.runtimeClassName", "spec.volumeClaimTemplates", "spec.service", "spec.shutdownTime",
                    "status.conditions[].type", "status.conditions[].status", "status.conditions[].reason",
                    "status.conditions[].message", "status.conditions[].lastTransitionTime", "status.podIPs",
                    "status.nodeName", "status.serviceFQDN"),
            List.of("spec.replicas", "spec.podTemplate", "spec.podTemplate.spec.runtimeClassName", "spec.volumeClaimTemplates", "spec.service", "spec.shutdownTime",
                    "status.conditions[].type", "status.conditions[].status", "status.conditions[].reason",
                    "status.conditions[].message", "status.conditions[].lastTransitionTime", "status.podIPs",
                    "status.serviceFQDN")),
    TEMPLATE("extensions.agents.x-k8s.io", "sandboxtemplates", "SandboxTemplate",
            List.of("spec.podTemplate", "spec.podTemplate.spec.containers[].image", "spec.volumeClaimTemplates", "spec.service"),
            List.of("spec.podTemplate", "spec.podTemplate.spec.containers[].image", "spec.volumeClaimTemplates", "spec.service")),
    WARM_POOL("extensions.agents.x-k8s.io", "sandboxwarmpools", "SandboxWarmPool",
            List.of("spec.replicas", "spec.sandboxTemplateRef.name", "status.replicas", "status.readyReplicas"),
            List.of("spec.replicas", "spec.sandboxTemplateRef.name", "status.replicas", "status.readyReplicas")),
    CLAIM("extensions.agents.x-k8s.io", "sandboxclaims", "SandboxClaim",
            List.of("spec.warmPoolRef.name", "status.sandbox.name", "status.conditions[].type",
                    "status.conditions[].status", "status.conditions[].reason", "status.conditions[].message",
                    "status.conditions[].lastTransitionTime"),
            List.of("spec.warmpool", "spec.sandboxTemplateRef.name", "status.sandbox.name", "status.conditions[].type",
                    "status.conditions[].status", "status.conditions[].reason", "status.conditions[].message",
                    "status.conditions[].lastTransitionTime")),
    // OpenSandbox's CRDs (sandbox-systems.md section 1.4), v1alpha1 only.
    BATCH_SANDBOX("sandbox.opensandbox.io", "batchsandboxes", "BatchSandbox",
            List.of("spec.replicas", "spec.poolRef", "spec.expireTime", "spec.pause", "status.phase", "status.replicas",
                    "status.allocated", "status.ready", "status.conditions[].type", "status.conditions[].status",
                    "status.conditions[].message")),
    OPENSANDBOX_POOL("sandbox.opensandbox.io", "pools", "Pool",
            List.of("spec.capacitySpec.bufferMin", "spec.capacitySpec.bufferMax", "spec.capacitySpec.poolMin",
                    "spec.capacitySpec.poolMax", "status.total", "status.allocated", "status.available")),
    SANDBOX_SNAPSHOT("sandbox.opensandbox.io", "sandboxsnapshots", "SandboxSnapshot",
            List.of("spec.sandboxName", "status.phase", "status.containers[].imageUri"));

    public static final String V1BETA1 = "v1beta1";
    public static final String V1ALPHA1 = "v1alpha1";
    /** The versions Sandtable knows, the preferred first. */
    public static final List<String> KNOWN_VERSIONS = List.of(V1BETA1, V1ALPHA1);
    public static final String OPENSANDBOX_GROUP = "sandbox.opensandbox.io";

    private final String group;
    private final String plural;
    private final String kind;
    private final List<String> v1beta1Paths;
    private final List<String> v1alpha1Paths;

    /** An OpenSandbox kind: served in v1alpha1 only. */
    AgentKind(String group, String plural, String kind, List<String> v1alpha1Paths) {
        this(group, plural, kind, List.of(), v1alpha1Paths);
    }

    AgentKind(String group, String plural, String kind, List<String> v1beta1Paths, List<String> v1alpha1Paths) {
        this.group = group;
        this.plural = plural;
        this.kind = kind;
        this.v1beta1Paths = v1beta1Paths;
        this.v1alpha1Paths = v1alpha1Paths;
    }

    /** True for OpenSandbox's kinds, false for agent-sandbox's. */
    public boolean openSandbox() {
        return OPENSANDBOX_GROUP.equals(group);
    }

    /** The versions Sandtable reads for this kind, the preferred first. */
    public List<String> versions() {
        return openSandbox() ? List.of(V1ALPHA1) : KNOWN_VERSIONS;
    }

    public String group() {
        return group;
    }

    public String plural() {
        return plural;
    }

    public String kind() {
        return kind;
    }

    /** "sandboxes.agents.x-k8s.io": how kubectl and RBAC name it. */
    public String resourceName() {
        return plural + "." + group;
    }

    public List<String> fieldPaths(String version) {
        return V1ALPHA1.equals(version) ? v1alpha1Paths : v1beta1Paths;
    }

    public ResourceDefinitionContext context(String version) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(true).build();
    }
}
