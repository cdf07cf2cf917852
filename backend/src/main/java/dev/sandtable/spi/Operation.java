package dev.sandtable.spi;

/** Every lifecycle operation a backend may or may not support. */
public enum Operation {
    CREATE("Create sandbox"),
    PAUSE("Pause"),
    RESUME("Resume"),
    DESTROY("Destroy"),
    SNAPSHOT("Snapshot"),
    RESTORE("Restore snapshot"),
    DELETE_SNAPSHOT("Delete snapshot"),
    POOL_CREATE("Create pool"),
    POOL_RESIZE("Resize pool"),
    POOL_DELETE("Delete pool"),
    POOL_CLAIM("Claim from pool"),
    POOL_RELEASE("Release to pool"),
    TEMPLATE_CREATE("Make template from snapshot"),
    TEMPLATE_DELETE("Delete template"),
    TERMINAL("Open terminal"),
    WATCH_DIR("Watch directory"),
    LOGS("Show logs"),
    /** Ends a sandbox's processes but keeps it (Docker's stopped containers); opt-in: see {@link Capabilities#all()}. */
    STOP("Stop");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
