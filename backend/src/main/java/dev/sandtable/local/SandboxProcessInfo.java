package dev.sandtable.local;

import java.nio.file.Path;
import java.util.List;

/**
 * What the runtime knows about a sandbox's processes: enough to find them again after a crash and to exec into them.
 * Written to {@code sandboxes/<id>/process.json} as soon as the sandbox starts.
 *
 * @param sandboxId      the sandbox
 * @param mainPid        the process the runtime started (bwrap itself, or the init shell without bubblewrap)
 * @param mainStartTime  its start time in clock ticks after boot (/proc/pid/stat field 22): a reused pid never matches
 * @param initPid        the long-lived init inside the sandbox (pid in the host's namespace); target for nsenter
 * @param cgroupDir      the sandbox's own cgroup, or null with the signal freezer
 * @param bwrapArgs      the bubblewrap arguments it was started with (empty without bubblewrap)
 * @param workspace      the sandbox's writable tree on the host
 * @param sandboxPath    where that tree appears inside the sandbox (/workspace with bubblewrap, the host path without)
 */
public record SandboxProcessInfo(String sandboxId, long mainPid, long mainStartTime, long initPid, Path cgroupDir,
                                 List<String> bwrapArgs, Path workspace, String sandboxPath) {
    public SandboxProcessInfo {
        bwrapArgs = bwrapArgs == null ? List.of() : List.copyOf(bwrapArgs);
    }
}
