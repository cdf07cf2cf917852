package dev.sandtable.local;

import java.time.Duration;

/**
 * How a {@link LocalRuntime} isolates and pauses sandboxes; tests force each path with these.
 *
 * @param isolation         bubblewrap or none (AUTO: bubblewrap when it works here)
 * @param freezer           cgroup or signals (AUTO: the best available)
 * @param stopGrace         how long a stopping sandbox gets after TERM before KILL
 * @param snapshotWriteHook called before every chunk a snapshot writes (fault injection in tests)
 */
public record LocalRuntimeOptions(IsolationMode isolation, FreezerMode freezer, Duration stopGrace,
                                  SnapshotWriteHook snapshotWriteHook) {
    public LocalRuntimeOptions {
        isolation = isolation == null ? IsolationMode.AUTO : isolation;
        freezer = freezer == null ? FreezerMode.AUTO : freezer;
        stopGrace = stopGrace == null ? Duration.ofSeconds(2) : stopGrace;
        snapshotWriteHook = snapshotWriteHook == null ? SnapshotWriteHook.NONE : snapshotWriteHook;
    }

    public static LocalRuntimeOptions defaults() {
        return new LocalRuntimeOptions(IsolationMode.AUTO, FreezerMode.AUTO, null, null);
    }

    public LocalRuntimeOptions withIsolation(IsolationMode mode) {
        return new LocalRuntimeOptions(mode, freezer, stopGrace, snapshotWriteHook);
    }

    public LocalRuntimeOptions withFreezer(FreezerMode mode) {
        return new LocalRuntimeOptions(isolation, mode, stopGrace, snapshotWriteHook);
    }

    public LocalRuntimeOptions withStopGrace(Duration grace) {
        return new LocalRuntimeOptions(isolation, freezer, grace, snapshotWriteHook);
    }

    public LocalRuntimeOptions withSnapshotWriteHook(SnapshotWriteHook hook) {
        return new LocalRuntimeOptions(isolation, freezer, stopGrace, hook);
    }
}
