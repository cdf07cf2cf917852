package dev.sandtable.kubernetes;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.LatencySummary;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The informers of one context and namespace, and everything read from their caches: lists are never fetched from
 * the API server, only from these (the informers list once, then watch).
 */
final class KubeCaches {
    private volatile String namespace;
    private volatile SharedIndexInformer<Pod> pods;
    private final Map<AgentKind, SharedIndexInformer<GenericKubernetesResource>> agents = new EnumMap<>(AgentKind.class);
    private final Function<String, LatencySummary> claimLatency;

    KubeCaches(String namespace, Function<String, LatencySummary> claimLatency) {
        this.namespace = namespace;
        this.claimLatency = claimLatency;
    }

    void namespace(String ns) {
        this.namespace = ns;
    }

    synchronized void pods(SharedIndexInformer<Pod> informer) {
        this.pods = informer;
    }

    synchronized void agent(AgentKind kind, SharedIndexInformer<GenericKubernetesResource> informer) {
        if (informer == null) agents.remove(kind);
        else agents.put(kind, informer);
    }

    synchronized boolean has(AgentKind kind) {
        return agents.containsKey(kind);
    }

    synchronized boolean hasPods() {
        return pods != null;
    }

    synchronized List<SharedIndexInformer<?>> all() {
        List<SharedIndexInformer<?>> l = new ArrayList<>(agents.values());
        if (pods != null) l.add(pods);
        return l;
    }

    synchronized void closeAll() {
        for (SharedIndexInformer<?> i : all()) i.close();
        agents.clear();
        pods = null;
    }

    private synchronized SharedIndexInformer<GenericKubernetesResource> informer(AgentKind k) {
        return agents.get(k);
    }

    GenericKubernetesResource get(AgentKind kind, String name) {
        SharedIndexInformer<GenericKubernetesResource> i = informer(kind);
        return i == null ? null : i.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    }

    List<GenericKubernetesResource> list(AgentKind kind) {
        SharedIndexInformer<GenericKubernetesResource> i = informer(kind);
        return i == null ? List.of() : i.getStore().list();
    }

    Pod pod(String name) {
        SharedIndexInformer<Pod> i = pods;
        return i == null ? null : i.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    }

    AgentClaim claim(String name) {
        GenericKubernetesResource c = name == null ? null : get(AgentKind.CLAIM, name);
        return c == null ? null : AgentClaim.of(c);
    }

    /** A pod that belongs to a Sandbox object is shown as that Sandbox, not twice. */
    boolean hidden(Pod p) {
        if (!has(AgentKind.SANDBOX) || p.getMetadata().getOwnerReferences() == null) return false;
        for (OwnerReference o : p.getMetadata().getOwnerReferences())
            if (AgentKind.SANDBOX.kind().equals(o.getKind()) && o.getApiVersion() != null
                    && o.getApiVersion().startsWith(AgentKind.SANDBOX.group() + "/")) return true;
        return false;
    }

    Sandbox sandboxModel(GenericKubernetesResource g) {
        AgentSandbox s = AgentSandbox.of(g);
        return KubeMapping.sandbox(s, claim(s.ownerClaim()));
    }

    Pool poolModel(GenericKubernetesResource g) {
        AgentWarmPool p = AgentWarmPool.of(g);
        List<AgentClaim> claims = list(AgentKind.CLAIM).stream().map(AgentClaim::of).filter(c -> p.name().equals(c.pool())).toList();
        Map<String, String> launch = new HashMap<>();
        for (AgentClaim c : claims) {
            if (c.sandbox() == null) continue;
            GenericKubernetesResource s = get(AgentKind.SANDBOX, c.sandbox());
            if (s != null) {
                String t = AgentSandbox.of(s).launchType();
                if (t != null) launch.put(c.sandbox(), t);
            }
        }
        return KubeMapping.pool(p, claims, launch, claimLatency.apply(p.name()));
    }

    Inventory inventory() {
        List<Sandbox> sandboxes = new ArrayList<>();
        SharedIndexInformer<Pod> p = pods;
        if (p != null) for (Pod pod : p.getStore().list()) if (!hidden(pod)) sandboxes.add(KubeMapping.pod(pod));
        for (GenericKubernetesResource g : list(AgentKind.SANDBOX)) sandboxes.add(sandboxModel(g));
        for (GenericKubernetesResource g : list(AgentKind.BATCH_SANDBOX)) sandboxes.add(OpenSandboxCrds.batchSandbox(g));
        List<Pool> pools = new ArrayList<>(list(AgentKind.WARM_POOL).stream().map(this::poolModel).toList());
        for (GenericKubernetesResource g : list(AgentKind.OPENSANDBOX_POOL)) pools.add(OpenSandboxCrds.pool(g));
        List<Snapshot> snapshots = list(AgentKind.SANDBOX_SNAPSHOT).stream().map(OpenSandboxCrds::snapshot).toList();
        List<Template> templates = list(AgentKind.TEMPLATE).stream().map(t -> KubeMapping.template(AgentTemplate.of(t))).toList();
        return new Inventory(sandboxes, pools, snapshots, templates);
    }
}
