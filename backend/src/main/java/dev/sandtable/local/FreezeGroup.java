package dev.sandtable.local;

import java.nio.file.Path;
import java.util.List;

/** The freezer's handle on one sandbox: freezes and thaws its whole process tree and says how. */
interface FreezeGroup {

    /** The sandbox's own cgroup, or null when the freezer works with signals. */
    Path cgroupDir();

    /** The file a launcher writes its pid into to join the group before it starts anything; null for signals. */
    default Path procsFile() {
        return cgroupDir() == null ? null : cgroupDir().resolve("cgroup.procs");
    }

    /** Freezes every process and returns only once all are verified frozen (or throws and leaves them thawed). */
    void freeze(ProcessTree tree) throws FreezeException;

    /** Thaws every process and returns once none is left frozen. */
    void thaw(ProcessTree tree) throws FreezeException;

    /** True when the group is verified frozen right now. */
    boolean frozen(ProcessTree tree);

    /** The raw state shown while frozen: "frozen (cgroup v2)", "stopped (SIGSTOP)". */
    String frozenRawState();

    /** Pids the kernel lists in the group (empty for signals). */
    List<Long> pids();

    /** Removes the group once its processes are gone; harmless when there is nothing to remove. */
    void remove();

    final class FreezeException extends Exception {
        FreezeException(String message) {
            super(message);
        }
    }
}
