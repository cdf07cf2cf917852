package dev.sandtable.spi;

public enum ReleaseMode {
    /** Pause the sandbox and return it to the pool's idle members. */
    PUT,
    /** The sandbox is broken: destroy it; it never re-enters the pool. */
    DEAD
}
