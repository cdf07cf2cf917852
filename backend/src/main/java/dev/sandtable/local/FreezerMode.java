package dev.sandtable.local;

/** How pause freezes a sandbox's process tree. */
public enum FreezerMode {
    /** The best available: cgroup v2, then cgroup v1, then signals. */
    AUTO,
    /** A cgroup freezer (v2 preferred, v1 otherwise); fails at start when neither is writable. */
    CGROUP,
    CGROUP_V2,
    CGROUP_V1,
    /** SIGSTOP / SIGCONT to every process of the tree. */
    SIGNALS
}
