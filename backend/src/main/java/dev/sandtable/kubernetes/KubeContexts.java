package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The contexts of the user's kubeconfig: the files named by KUBECONFIG (several, separated by ':'), else
 * ~/.kube/config, as kubectl reads them (fabric8's own loader). No kubeconfig means no contexts, never an error.
 */
public final class KubeContexts {
    private KubeContexts() {
    }

    /**
     * @param name      the context's name
     * @param cluster   the cluster it points at
     * @param namespace its namespace, or "default"
     * @param current   whether it is the current context
     */
    public record KubeContext(String name, String cluster, String user, String namespace, boolean current) {
    }

    /** Whether a kubeconfig file exists (KUBECONFIG's files, else ~/.kube/config). */
    public static boolean present() {
        return Config.getKubeconfigFilenames().stream().map(File::new).anyMatch(File::isFile);
    }

    public static List<KubeContext> list() {
        if (!present()) return List.of();
        Config config;
        try {
            config = Config.autoConfigure(null);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<KubeContext> out = new ArrayList<>();
        String current = config.getCurrentContext() == null ? null : config.getCurrentContext().getName();
        for (NamedContext c : config.getContexts() == null ? List.<NamedContext>of() : config.getContexts()) {
            if (c.getContext() == null) continue;
            String ns = c.getContext().getNamespace();
            out.add(new KubeContext(c.getName(), c.getContext().getCluster(), c.getContext().getUser(),
                    ns == null || ns.isBlank() ? "default" : ns, c.getName().equals(current)));
        }
        return out;
    }
}
