package dev.sandtable.model;

/** What a snapshot captures (sandbox-systems.md section 6): the GUI says which kind it is. */
public enum SnapshotKind {
    /** The writable file tree only; processes start fresh on restore. */
    FILESYSTEM,
    /** Root filesystem committed to an OCI image. */
    OCI_IMAGE,
    /** Full VM memory plus disk diff. */
    MEMORY_AND_DISK,
    /** Process checkpoint (CRIU, gVisor). */
    CHECKPOINT,
    UNKNOWN
}
