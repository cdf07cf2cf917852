package dev.sandtable.model;

public enum TemplateKind {
    /** Host binaries, an empty workspace. */
    HOST_SHELL,
    /** Made from a snapshot: new sandboxes start from its file tree. */
    SNAPSHOT,
    /** A container image. */
    IMAGE,
    /** A platform-defined template (E2B template, SandboxTemplate). */
    PLATFORM
}
