package dev.sandtable.model;

/**
 * The normalized sandbox state shared by every backend. Each backend maps its own raw state onto one of these
 * and keeps the raw value beside it (see {@link Sandbox#rawState()}).
 */
public enum SandboxState {
    PENDING, STARTING, RUNNING, PAUSING, PAUSED, RESUMING, SNAPSHOTTING, SUSPENDED, STOPPING, TERMINATED, EXPIRED, FAILED, UNKNOWN;

    /** True for states from which the sandbox will not come back. */
    public boolean isFinal() {
        return this == TERMINATED || this == EXPIRED || this == FAILED;
    }

    /** True while a transition is under way (the UI shows a spinner). */
    public boolean isTransient() {
        return switch (this) {
            case PENDING, STARTING, PAUSING, RESUMING, SNAPSHOTTING, STOPPING -> true;
            default -> false;
        };
    }

    /** The label shown in tables: "Running", "Paused", ... */
    public String label() {
        String n = name().toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }
}
