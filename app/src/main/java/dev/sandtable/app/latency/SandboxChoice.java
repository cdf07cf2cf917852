package dev.sandtable.app.latency;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.latency.ProbeTarget;

/**
 * A sandbox the lab can probe, or a temporary one the run creates on a backend and kills after.
 *
 * @param key       stable across refreshes: backend id and sandbox id ("backend/" for the temporary one)
 * @param backend   the backend's display name
 * @param sandboxId null for a temporary sandbox
 * @param name      the sandbox's name (null for a temporary sandbox)
 * @param own       the backend's own endpoint (envd of an E2B platform, or an OpenSandbox server's execd); null when it has none
 * @param whyNot    why this choice cannot be probed (null when it can)
 */
public record SandboxChoice(String key, String backend, String sandboxId, String name, ProbeTarget own, String whyNot) {
    /** The own endpoint's E2B configuration; null for execd or none. */
    public E2bConfig config() {
        return own instanceof ProbeTarget.Envd e ? e.config() : null;
    }

    public boolean temporary() {
        return sandboxId == null;
    }

    public String label() {
        return (temporary() ? "New temporary sandbox" : name) + " · " + backend;
    }

    @Override
    public String toString() {
        return label();
    }
}
