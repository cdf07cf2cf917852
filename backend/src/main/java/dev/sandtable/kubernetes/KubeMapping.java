package dev.sandtable.kubernetes;

import dev.sandtable.model.Isolation;
import dev.sandtable.model.LatencySummary;
import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes objects as Sandtable's model records (sandbox-systems.md section 7). A Sandbox object's state comes from
 * its conditions (it has no phase); a pod's from its phase and container statuses.
 */
public final class KubeMapping {
    /** Pods shown as sandboxes have ids with this prefix, so a pod and a Sandbox object never share an id. */
    public static final String POD_PREFIX = "pod/";

    private KubeMapping() {
    }

    /** The state of a Sandbox object, its raw word and the reason to show. */
    public record Derived(SandboxState state, String raw, String reason, Instant since) {
    }

    public static Derived state(AgentSandbox s) {
        Optional<Condition> ready = Condition.find(s.conditions(), "Ready");
        Optional<Condition> suspended = Condition.find(s.conditions(), "Suspended");
        Optional<Condition> finished = Condition.find(s.conditions(), "Finished");
        Instant since = ready.map(Condition::lastTransitionTime).orElse(null);
        if (s.deletingSince() != null) return new Derived(SandboxState.STOPPING, "Terminating", null, s.deletingSince());
        if (finished.isPresent() && finished.get().isTrue()) {
            Condition f = finished.get();
            boolean failed = "PodFailed".equals(f.reason());
            return new Derived(failed ? SandboxState.FAILED : SandboxState.TERMINATED, "Finished", text(f), f.lastTransitionTime());
        }
        if (s.suspended()) {
            if (suspended.isPresent() && suspended.get().isTrue())
                return new Derived(SandboxState.SUSPENDED, "Suspended", null, suspended.get().lastTransitionTime());
            if (ready.isPresent() && "SandboxSuspended".equals(ready.get().reason())) // v1alpha1 has no Suspended condition
                return new Derived(SandboxState.SUSPENDED, "Suspended", null, since);
            return new Derived(SandboxState.STOPPING, "Suspending", suspended.map(KubeMapping::text).orElse(null),
                    suspended.map(Condition::lastTransitionTime).orElse(since));
        }
        if (ready.isEmpty()) return new Derived(SandboxState.PENDING, "Pending", null, s.createdAt());
        Condition r = ready.get();
        if (r.isTrue()) return new Derived(SandboxState.RUNNING, "Ready", null, since);
        String reason = r.reason() == null ? "" : r.reason();
        SandboxState st = switch (reason) {
            case "SandboxExpired" -> SandboxState.EXPIRED;
            case "PodFailed", "ReconcilerError", "MultiplePods" -> SandboxState.FAILED;
            case "PodSucceeded" -> SandboxState.TERMINATED;
            case "SandboxSuspended" -> SandboxState.SUSPENDED;
            case "DependenciesNotReady" -> s.podIPs().isEmpty() ? SandboxState.PENDING : SandboxState.STARTING;
            default -> r.isFalse() ? SandboxState.PENDING : SandboxState.UNKNOWN;
        };
        return new Derived(st, reason.isEmpty() ? "NotReady" : reason, text(r), since);
    }

    private static String text(Condition c) {
        if (c.message() != null && !c.message().isBlank()) return c.message();
        return c.reason();
    }

    /**
     * @param claim the claim owning it, when known (links the sandbox to the pool it was claimed from)
     */
    public static Sandbox sandbox(AgentSandbox s, AgentClaim claim) {
        Derived d = state(s);
        String pool = s.ownerPool() != null ? s.ownerPool() : claim != null ? claim.pool() : null;
        String template = s.templateRef();
        SourceKind kind = pool != null ? SourceKind.POOL : template != null ? SourceKind.TEMPLATE : SourceKind.IMAGE;
        Map<String, String> meta = new LinkedHashMap<>(s.labels());
        meta.put("kind", "Sandbox");
        if (s.ownerClaim() != null) meta.put("claim", s.ownerClaim());
        if (s.launchType() != null) meta.put("launch-type", s.launchType());
        if (s.nodeName() != null) meta.put("node", s.nodeName());
        if (!s.podIPs().isEmpty()) meta.put("pod-ip", String.join(",", s.podIPs()));
        return new Sandbox(s.name(), s.name(), template, kind, pool != null ? pool : template, d.state(), d.raw(), d.reason(),
                s.createdAt(), d.since() == null ? s.createdAt() : d.since(), s.shutdownTime(),
                isolation(s.runtimeClass(), s.nodeName()), pool, meta);
    }

    public static Sandbox pod(Pod p) {
        PodStatus st = p.getStatus();
        String phase = st == null || st.getPhase() == null ? "Pending" : st.getPhase();
        Instant created = Fields.instant(p.getMetadata().getCreationTimestamp());
        Instant started = st == null ? null : Fields.instant(st.getStartTime());
        String reason = waitingReason(st);
        SandboxState state;
        String raw = phase;
        if (p.getMetadata().getDeletionTimestamp() != null) {
            state = SandboxState.STOPPING;
            raw = "Terminating";
        } else {
            state = switch (phase) {
                case "Pending" -> st != null && st.getStartTime() != null ? SandboxState.STARTING : SandboxState.PENDING;
                case "Running" -> allReady(st) ? SandboxState.RUNNING : SandboxState.STARTING;
                case "Succeeded" -> SandboxState.TERMINATED;
                case "Failed" -> SandboxState.FAILED;
                default -> SandboxState.UNKNOWN;
            };
        }
        if (reason == null && st != null) reason = st.getMessage() != null ? st.getMessage() : st.getReason();
        Map<String, String> meta = new LinkedHashMap<>(p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels());
        meta.put("kind", "Pod");
        String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
        if (node != null) meta.put("node", node);
        if (st != null && st.getPodIP() != null) meta.put("pod-ip", st.getPodIP());
        String image = p.getSpec() == null || p.getSpec().getContainers() == null || p.getSpec().getContainers().isEmpty()
                ? null : p.getSpec().getContainers().getFirst().getImage();
        return new Sandbox(POD_PREFIX + p.getMetadata().getName(), p.getMetadata().getName(), null, SourceKind.IMAGE, image,
                state, raw, reason, created, started == null ? created : started, null,
                isolation(p.getSpec() == null ? null : p.getSpec().getRuntimeClassName(), node), null, meta);
    }

    private static boolean allReady(PodStatus st) {
        List<ContainerStatus> cs = st.getContainerStatuses();
        return cs == null || cs.isEmpty() || cs.stream().allMatch(c -> Boolean.TRUE.equals(c.getReady()));
    }

    private static String waitingReason(PodStatus st) {
        if (st == null || st.getContainerStatuses() == null) return null;
        for (ContainerStatus c : st.getContainerStatuses()) {
            if (c.getState() != null && c.getState().getWaiting() != null && c.getState().getWaiting().getReason() != null)
                return c.getState().getWaiting().getReason();
        }
        return null;
    }

    static Isolation isolation(String runtimeClass, String node) {
        String where = node == null ? "" : " on node " + node;
        return runtimeClass == null
                ? new Isolation("pod", true, "Kubernetes pod" + where + " (default runtime: container namespaces and cgroups)")
                : new Isolation("pod", true, "Kubernetes pod" + where + ", runtime class " + runtimeClass);
    }

    /**
     * @param claims the claims taken from this pool (in use), with the sandbox each got, for warm/cold counts
     */
    public static Pool pool(AgentWarmPool p, List<AgentClaim> claims, Map<String, String> launchTypes, LatencySummary claimLatency) {
        long warm = 0;
        long cold = 0;
        for (AgentClaim c : claims) {
            String t = c.sandbox() == null ? null : launchTypes.get(c.sandbox());
            if ("warm".equals(t)) warm++;
            else if ("cold".equals(t)) cold++;
        }
        PoolStats stats = new PoolStats(warm, cold, 0, 0, 0, claimLatency == null ? LatencySummary.EMPTY : claimLatency);
        return new Pool(p.name(), p.templateRef(), p.desired(), p.desired(), p.ready(), claims.size(),
                Math.max(0, p.replicas() - p.ready()), p.deleting(), stats, p.createdAt());
    }

    public static Template template(AgentTemplate t) {
        String image = t.images().isEmpty() ? null : t.images().getFirst();
        String desc = "SandboxTemplate" + (t.images().isEmpty() ? "" : " · " + String.join(", ", t.images()));
        return new Template(t.name(), t.name(), TemplateKind.PLATFORM, image, desc, t.createdAt());
    }
}
