package dev.sandtable.docker;

/** The labels Sandtable puts on the containers and images it creates (all under {@code dev.sandtable.}). */
final class DockerLabels {
    static final String PREFIX = "dev.sandtable.";
    /** "true" on everything Sandtable created. */
    static final String MANAGED = PREFIX + "managed";
    static final String NAME = PREFIX + "name";
    static final String SOURCE_KIND = PREFIX + "source-kind";
    static final String SOURCE_REF = PREFIX + "source-ref";
    /** On a container restored from a snapshot (directly or through its image): the snapshot id. */
    static final String FROM_SNAPSHOT = PREFIX + "from-snapshot";
    /** Pool members: the pool's name and definition, so a restarted Sandtable can adopt them. */
    static final String POOL = PREFIX + "pool";
    static final String POOL_MIN_IDLE = PREFIX + "pool.min-idle";
    static final String POOL_MAX_SIZE = PREFIX + "pool.max-size";
    static final String POOL_RECYCLE = PREFIX + "pool.recycle";

    /** Snapshot images: "true", the snapshot's name, where it came from and when. */
    static final String SNAPSHOT = PREFIX + "snapshot";
    static final String SNAPSHOT_NAME = PREFIX + "snapshot.name";
    static final String SNAPSHOT_SOURCE_ID = PREFIX + "snapshot.source-id";
    static final String SNAPSHOT_SOURCE_NAME = PREFIX + "snapshot.source-name";
    static final String SNAPSHOT_PARENT = PREFIX + "snapshot.parent";
    static final String SNAPSHOT_CREATED = PREFIX + "snapshot.created";

    /** The repository snapshot images are tagged into: {@code sandtable-snapshot/<name>:latest}. */
    static final String SNAPSHOT_REPOSITORY = "sandtable-snapshot/";

    private DockerLabels() {
    }
}
