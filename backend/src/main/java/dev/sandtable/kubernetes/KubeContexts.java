package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;

import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * Reads the kubeconfig files themselves (not through a client configuration), so listing contexts never runs a
     * credential plugin: the first file that names a context or the current context wins, as with kubectl.
     */
    public static List<KubeContext> list() {
        Map<String, KubeContext> byName = new LinkedHashMap<>();
        String current = null;
        for (String f : Config.getKubeconfigFilenames()) {
            File file = new File(f);
            if (!file.isFile()) continue;
            io.fabric8.kubernetes.api.model.Config kc;
            try (InputStream in = Files.newInputStream(file.toPath())) {
                kc = Serialization.unmarshal(in, io.fabric8.kubernetes.api.model.Config.class);
            } catch (IOException | RuntimeException e) {
                continue; // an unreadable file contributes nothing, as with kubectl's merge
            }
            if (kc == null) continue;
            if (current == null && kc.getCurrentContext() != null && !kc.getCurrentContext().isBlank()) current = kc.getCurrentContext();
            for (NamedContext c : kc.getContexts() == null ? List.<NamedContext>of() : kc.getContexts()) {
                if (c.getName() == null || c.getContext() == null || byName.containsKey(c.getName())) continue;
                String ns = c.getContext().getNamespace();
                byName.put(c.getName(), new KubeContext(c.getName(), c.getContext().getCluster(), c.getContext().getUser(),
                        ns == null || ns.isBlank() ? "default" : ns, false));
            }
        }
        List<KubeContext> out = new ArrayList<>();
        for (KubeContext c : byName.values())
            out.add(new KubeContext(c.name(), c.cluster(), c.user(), c.namespace(), c.name().equals(current)));
        return out;
    }
}
