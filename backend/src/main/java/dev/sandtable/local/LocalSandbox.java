package dev.sandtable.local;

import dev.sandtable.model.Sandbox;

import java.nio.file.Path;

/**
 * The runtime's live record of one sandbox: its current view (written under the runtime's state lock) and its
 * processes (written only by the sandbox's own serial queue).
 */
final class LocalSandbox {
    static final String PROCESS_FILE = "process.json";

    final String id;
    final Path dir;
    final Path workspace;
    final Path tmp;
    /** The snapshot its files came from (directly or through a template): the parent of its own snapshots. */
    final String originSnapshotId;
    volatile Sandbox view;
    volatile Process process;
    volatile FreezeGroup group;
    volatile ProcessTree tree;
    volatile SandboxProcessInfo info;
    /** Set once a destroy begins: the main process's exit is then expected, not a failure. */
    volatile boolean stopping;

    LocalSandbox(Sandbox view, Path dir, String originSnapshotId) {
        this.id = view.id();
        this.view = view;
        this.dir = dir;
        this.workspace = dir.resolve("workspace");
        this.tmp = dir.resolve("tmp");
        this.originSnapshotId = originSnapshotId;
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }
}
