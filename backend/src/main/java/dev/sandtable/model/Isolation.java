package dev.sandtable.model;

/**
 * How a sandbox is isolated from its host. {@code isolated == false} is shown everywhere as a "not isolated" badge.
 *
 * @param mechanism short name: "bubblewrap", "none", "container", "microvm", "pod"
 * @param isolated  whether the sandbox runs in its own namespaces (or stronger)
 * @param detail    one line for tooltips, e.g. "bwrap 0.8.0: new pid, ipc, uts, user namespaces; host /usr read-only"
 */
public record Isolation(String mechanism, boolean isolated, String detail) {
    public static Isolation none(String why) {
        return new Isolation("none", false, why);
    }
}
