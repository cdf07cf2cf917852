package dev.sandtable.latency;

/**
 * An endpoint as probed.
 *
 * @param label     {@code direct}, {@code compare}, or what the caller named it
 * @param apiUrl    the control plane
 * @param envdUrl   the envd base URL the probes went to
 * @param sandboxId the sandbox probed
 * @param temporary true when the run created the sandbox (and killed it after)
 * @param protocol  the agent probed: envd (and {@code envdUrl} is its URL) or execd (and {@code envdUrl} is execd's);
 *                  reports written before execd read as envd
 */
public record EndpointSummary(String label, String apiUrl, String envdUrl, String sandboxId, boolean temporary, Protocol protocol) {
    public EndpointSummary {
        protocol = protocol == null ? Protocol.ENVD : protocol;
    }

    public EndpointSummary(String label, String apiUrl, String envdUrl, String sandboxId, boolean temporary) {
        this(label, apiUrl, envdUrl, sandboxId, temporary, Protocol.ENVD);
    }
}
