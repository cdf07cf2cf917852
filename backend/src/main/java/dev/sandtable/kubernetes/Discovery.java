package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which agent-sandbox and OpenSandbox kinds the cluster serves, and in which version: API discovery; for
 * agent-sandbox v1beta1 preferred, v1alpha1 read too; OpenSandbox's group in v1alpha1 only. A group served only in versions Sandtable does not know, or one it may not discover, is a problem to
 * show; a group that is not there at all just means the CRDs are not installed.
 */
public final class Discovery {
    private Discovery() {
    }

    /**
     * @param versions the version used for each kind found
     * @param problems sentences for the user (unknown versions, missing permissions)
     */
    public record Result(Map<AgentKind, String> versions, List<String> problems) {
        public Result {
            versions = Collections.unmodifiableMap(new EnumMap<>(versions.isEmpty() ? new EnumMap<>(AgentKind.class) : versions));
            problems = List.copyOf(problems);
        }

        public boolean has(AgentKind k) {
            return versions.containsKey(k);
        }

        public boolean anyAgentSandbox() {
            return versions.keySet().stream().anyMatch(k -> !k.openSandbox());
        }

        public boolean anyOpenSandbox() {
            return versions.keySet().stream().anyMatch(AgentKind::openSandbox);
        }
    }

    /** Throws the client's exception when the cluster cannot be reached or refuses the credentials. */
    public static Result discover(KubernetesClient client) {
        Map<AgentKind, String> found = new EnumMap<>(AgentKind.class);
        List<String> problems = new ArrayList<>();
        for (String group : List.of("agents.x-k8s.io", "extensions.agents.x-k8s.io", AgentKind.OPENSANDBOX_GROUP)) {
            List<AgentKind> kinds = List.of(AgentKind.values()).stream().filter(k -> k.group().equals(group)).toList();
            List<String> known = kinds.getFirst().versions();
            for (String v : known) {
                APIResourceList list;
                try {
                    list = resources(client, group + "/" + v);
                } catch (KubernetesClientException e) {
                    if (e.getCode() == 403) {
                        problems.add("no permission to discover " + group + "/" + v + " (403 Forbidden)");
                        continue;
                    }
                    throw e;
                }
                if (list == null || list.getResources() == null) continue;
                for (AgentKind k : kinds) {
                    if (found.containsKey(k)) continue;
                    for (APIResource r : list.getResources())
                        if (k.plural().equals(r.getName())) found.put(k, v);
                }
            }
            List<AgentKind> missing = kinds.stream().filter(k -> !found.containsKey(k)).toList();
            if (missing.isEmpty()) continue;
            List<String> served = servedVersions(client, group);
            List<String> unknown = served.stream().filter(v -> !known.contains(v)).toList();
            if (!unknown.isEmpty()) {
                problems.add(group + " is served in version " + String.join(", ", unknown) + ", which Sandtable does not know (it reads "
                        + String.join(" and ", known) + "); "
                        + String.join(", ", missing.stream().map(AgentKind::kind).toList()) + " not shown");
            }
        }
        return new Result(found, problems);
    }

    private static APIResourceList resources(KubernetesClient client, String groupVersion) {
        try {
            return client.getApiResources(groupVersion);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return null;
            throw e;
        }
    }

    private static List<String> servedVersions(KubernetesClient client, String group) {
        try {
            APIGroup g = client.getApiGroup(group);
            if (g == null || g.getVersions() == null) return List.of();
            return g.getVersions().stream().map(GroupVersionForDiscovery::getVersion).toList();
        } catch (KubernetesClientException e) {
            return List.of();
        }
    }
}
