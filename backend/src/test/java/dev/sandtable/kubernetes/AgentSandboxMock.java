package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixtures on fabric8's CRUD mock API server: the agent-sandbox CRDs (group, names and versions only, which is
 * what the mock's discovery needs), and objects shaped as the agent-sandbox controller writes them. The CRDs have no
 * status subresource here, so fixtures can create objects with a status and tests play the controller with edit().
 */
public final class AgentSandboxMock {
    public static final String NS = "agents";
    private static final java.util.concurrent.atomic.AtomicInteger SETTLES = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Waits until the backend's pod watch in {@code ns} is open and has received everything the mock server had to
     * send it, by labelling {@code pod} and waiting for that change to come back as an event (the mock sends a watch's
     * events one after another). Call it before a test closes or cuts the watch: the mock server (fabric8 7.8.0) must
     * not lose a watch socket while it is still writing to it. Its {@code WatchEventsListener.onClosed}/{@code onFailure}
     * then waits on the Vert.x event loop for a write that needs that same loop, and every request the loop serves
     * stalls for up to 30 s.
     */
    static void awaitPodWatchIdle(KubernetesClient client, String ns, String pod, Events events) {
        String mark = Integer.toString(SETTLES.incrementAndGet());
        client.pods().inNamespace(ns).withName(pod)
                .edit(p -> new PodBuilder(p).editMetadata().addToLabels("sandtable-test-settled", mark).endMetadata().build());
        events.await(dev.sandtable.spi.BackendEvent.Upserted.class, u -> u.resource() instanceof dev.sandtable.model.Sandbox s
                && s.name().equals(pod) && mark.equals(s.metadata().get("sandtable-test-settled")));
    }

    private AgentSandboxMock() {
    }

    public static void installCrds(KubernetesClient client, String version) {
        for (AgentKind k : AgentKind.values())
            if (!k.openSandbox()) client.apiextensions().v1().customResourceDefinitions().resource(crd(k, version)).create();
    }

    /** OpenSandbox's three CRDs ({@code sandbox.opensandbox.io}) in {@code version} (v1alpha1 is the one it publishes). */
    public static void installOpenSandboxCrds(KubernetesClient client, String version) {
        for (AgentKind k : AgentKind.values())
            if (k.openSandbox()) client.apiextensions().v1().customResourceDefinitions().resource(crd(k, version)).create();
    }

    public static CustomResourceDefinition crd(AgentKind k, String version) {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(k.resourceName()).endMetadata()
                .withNewSpec().withGroup(k.group()).withScope("Namespaced")
                .withNewNames().withKind(k.kind()).withPlural(k.plural()).withSingular(k.kind().toLowerCase()).endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .endVersion().endSpec().build();
    }

    public static Pod pod(String name, String phase, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(labels)
                .withCreationTimestamp(Instant.now().toString()).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox:1.36").endContainer().endSpec()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    public static GenericKubernetesResource template(String name, String image) {
        Map<String, Object> spec = Map.of("podTemplate", Map.of("spec", Map.of("containers", List.of(Map.of("name", "agent", "image", image)))));
        return resource(AgentKind.TEMPLATE, AgentKind.V1BETA1, name, spec, null);
    }

    public static GenericKubernetesResource warmPool(String name, String template, int replicas, int ready) {
        return resource(AgentKind.WARM_POOL, AgentKind.V1BETA1, name,
                Map.of("replicas", replicas, "sandboxTemplateRef", Map.of("name", template)),
                Map.of("replicas", replicas, "readyReplicas", ready));
    }

    /** A Sandbox with a Ready condition ({@code ready} null: no conditions yet). */
    public static GenericKubernetesResource sandbox(String name, Boolean ready, String reason, boolean suspended) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("operatingMode", suspended ? "Suspended" : "Running");
        spec.put("podTemplate", Map.of("spec", Map.of("containers", List.of(Map.of("name", "agent", "image", "python:3.12")))));
        Map<String, Object> status = new LinkedHashMap<>();
        List<Map<String, Object>> conds = new ArrayList<>();
        if (ready != null) conds.add(condition("Ready", ready, reason));
        if (suspended) conds.add(condition("Suspended", true, "PodTerminated"));
        status.put("conditions", conds);
        if (Boolean.TRUE.equals(ready)) status.put("podIPs", List.of("10.0.0.7"));
        return resource(AgentKind.SANDBOX, AgentKind.V1BETA1, name, spec, status);
    }

    public static Map<String, Object> condition(String type, boolean status, String reason) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status ? "True" : "False");
        c.put("reason", reason == null ? (status ? "DependenciesReady" : "DependenciesNotReady") : reason);
        c.put("message", "");
        c.put("lastTransitionTime", Instant.now().toString());
        return c;
    }

    public static GenericKubernetesResource ownedBy(GenericKubernetesResource r, AgentKind ownerKind, String owner) {
        r.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion(ownerKind.group() + "/" + AgentKind.V1BETA1)
                .withKind(ownerKind.kind()).withName(owner).withUid("uid-" + owner).withController(true).build()));
        return r;
    }

    public static GenericKubernetesResource resource(AgentKind k, String version, String name, Map<String, Object> spec, Map<String, Object> status) {
        GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder().withApiVersion(k.group() + "/" + version).withKind(k.kind())
                .withNewMetadata().withName(name).withNamespace(NS).withCreationTimestamp(Instant.now().toString()).endMetadata();
        GenericKubernetesResource r = b.build();
        r.getAdditionalProperties().put("spec", new LinkedHashMap<>(spec));
        if (status != null) r.getAdditionalProperties().put("status", new LinkedHashMap<>(status));
        return r;
    }

    public static GenericKubernetesResource batchSandbox(String name, int replicas, String phase, int ready, String poolRef) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("replicas", replicas);
        if (poolRef != null) spec.put("poolRef", poolRef);
        return resource(AgentKind.BATCH_SANDBOX, AgentKind.V1ALPHA1, name, spec,
                Map.of("phase", phase, "replicas", replicas, "allocated", replicas, "ready", ready));
    }

    public static GenericKubernetesResource openSandboxPool(String name, int bufferMin, int bufferMax, int poolMax, int total, int allocated, int available) {
        return resource(AgentKind.OPENSANDBOX_POOL, AgentKind.V1ALPHA1, name,
                Map.of("capacitySpec", Map.of("bufferMin", bufferMin, "bufferMax", bufferMax, "poolMin", 0, "poolMax", poolMax)),
                Map.of("total", total, "allocated", allocated, "available", available));
    }

    public static GenericKubernetesResource sandboxSnapshot(String name, String sandboxName, String phase) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", phase);
        if ("Succeed".equals(phase))
            status.put("containers", List.of(Map.of("containerName", "main", "imageUri", "registry.local/snap/" + name + ":main")));
        return resource(AgentKind.SANDBOX_SNAPSHOT, AgentKind.V1ALPHA1, name, Map.of("sandboxName", sandboxName), status);
    }

    public static GenericKubernetesResource create(KubernetesClient client, GenericKubernetesResource r) {
        AgentKind k = kindOf(r);
        return client.genericKubernetesResources(k.context(r.getApiVersion().substring(r.getApiVersion().indexOf('/') + 1)))
                .inNamespace(NS).resource(r).create();
    }

    public static AgentKind kindOf(GenericKubernetesResource r) {
        for (AgentKind k : AgentKind.values()) if (k.kind().equals(r.getKind())) return k;
        throw new IllegalArgumentException(r.getKind());
    }
}
