package dev.sandtable.local;

import java.io.IOException;

/** Makes a {@link FreezeGroup} per sandbox. Chosen once per runtime by {@link Freezers#select(FreezerMode)}. */
sealed interface Freezer permits CgroupFreezer, SignalFreezer {

    /** One line for logs and docs, e.g. "cgroup v2 freezer at /sys/fs/cgroup/unified". */
    String description();

    FreezeGroup open(String sandboxId) throws IOException;
}
