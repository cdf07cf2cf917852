package dev.sandtable.kubernetes;

/**
 * What one Kubernetes backend shows: a kubeconfig context, a namespace in it and which pods count as sandboxes.
 *
 * @param context     the kubeconfig context's name; null for the current context
 * @param namespace   the namespace; null for the context's own (else "default")
 * @param podSelector a label selector ("app=agent,tier!=db") for the pods shown as sandboxes; null or blank for all
 */
public record KubeTarget(String context, String namespace, String podSelector) {
    public KubeTarget {
        podSelector = podSelector == null || podSelector.isBlank() ? null : podSelector.strip();
        namespace = namespace == null || namespace.isBlank() ? null : namespace.strip();
        context = context == null || context.isBlank() ? null : context.strip();
    }

    public KubeTarget withNamespace(String ns) {
        return new KubeTarget(context, ns, podSelector);
    }
}
