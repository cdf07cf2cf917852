package dev.sandtable.local;

/** How a sandbox is confined. */
public enum IsolationMode {
    /** Bubblewrap when it is installed and can create namespaces here, otherwise none. */
    AUTO,
    /** Bubblewrap; fails at start when it is missing or unusable. */
    BUBBLEWRAP,
    /** Processes run as the user, unconfined, in the sandbox's directory. */
    NONE
}
