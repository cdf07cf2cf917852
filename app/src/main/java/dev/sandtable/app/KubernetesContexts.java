package dev.sandtable.app;

import dev.sandtable.kubernetes.KubeContexts;
import dev.sandtable.kubernetes.KubeTarget;
import dev.sandtable.kubernetes.KubernetesBackend;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One window backend per kubeconfig context (KUBECONFIG, else ~/.kube/config); none, and no error, without a
 * kubeconfig. Each context shows its own namespace unless {@code -Dsandtable.kubernetes.namespaces=CTX=NS,...} (or
 * SANDTABLE_KUBE_NAMESPACES) chooses another; {@code -Dsandtable.kubernetes.selector} picks the pods shown.
 * Building a client may run a credential plugin, so each connects on its own thread.
 */
public final class KubernetesContexts {
    private KubernetesContexts() {
    }

    public static List<Backend> fromKubeconfig() {
        if (!Boolean.parseBoolean(System.getProperty("sandtable.kubernetes", "true"))) return List.of();
        Map<String, String> namespaces = namespaces(System.getProperty("sandtable.kubernetes.namespaces",
                System.getenv().getOrDefault("SANDTABLE_KUBE_NAMESPACES", "")));
        String selector = System.getProperty("sandtable.kubernetes.selector");
        return KubeContexts.list().stream().<Backend>map(c -> {
            String ns = namespaces.getOrDefault(c.name(), c.namespace());
            BackendInfo placeholder = new BackendInfo("kubernetes:" + c.name(), c.name() + " · " + ns, BackendKind.KUBERNETES,
                    "context " + c.name() + " (cluster " + c.cluster() + ")");
            return ConnectingBackend.start(placeholder, "reading the kubeconfig of context " + c.name(),
                    () -> KubernetesBackend.forContext(new KubeTarget(c.name(), ns, selector)));
        }).toList();
    }

    /** "ctx=ns,other=ns2" as a map; malformed entries are ignored. */
    static Map<String, String> namespaces(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && eq < part.length() - 1) m.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return m;
    }
}
