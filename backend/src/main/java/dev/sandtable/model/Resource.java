package dev.sandtable.model;

/** Anything a backend lists in a table: identified within its backend by {@link #key()}. */
public sealed interface Resource permits Sandbox, Pool, Snapshot, Template {
    /** Stable identifier within the backend (an id, or the name for pools). */
    String key();

    /** The human-readable name shown first in tables. */
    String name();

    ResourceKind resourceKind();
}
