package dev.sandtable.docker;

/** What a Docker warm pool does with a member released with {@code PUT}. */
public enum PoolRecycle {
    /** Pause it and make it idle again (the default, as the local runtime does). */
    PAUSE,
    /** Destroy it; refill makes a fresh one (no state leaks between claims). */
    DESTROY
}
