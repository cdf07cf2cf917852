package dev.sandtable.latency;

import dev.sandtable.e2b.E2bConfig;

/** An endpoint to probe: a name and how to reach the platform and its envd. */
public record ProbeTarget(String label, E2bConfig config) {
}
