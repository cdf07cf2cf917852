package dev.sandtable.latency;

/**
 * An endpoint as probed.
 *
 * @param label     {@code direct}, {@code compare}, or what the caller named it
 * @param apiUrl    the control plane
 * @param envdUrl   the envd base URL the probes went to
 * @param sandboxId the sandbox probed
 * @param temporary true when the run created the sandbox (and killed it after)
 */
public record EndpointSummary(String label, String apiUrl, String envdUrl, String sandboxId, boolean temporary) {
}
