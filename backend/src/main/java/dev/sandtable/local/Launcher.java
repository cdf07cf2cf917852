package dev.sandtable.local;

import dev.sandtable.model.Isolation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds the command line of a sandbox's init, and of commands run inside it later. */
sealed interface Launcher permits BubblewrapLauncher, DirectLauncher {

    /** The long-lived init: sleeps, exits cleanly on TERM (and takes its sleep with it). */
    String INIT_SCRIPT = "trap 'kill $! 2>/dev/null; exit 0' TERM INT HUP; while :; do sleep 3600 & wait $!; done";

    Isolation isolation();

    Plan plan(String sandboxName, Path workspace, Path tmp);

    ExecSpec exec(SandboxProcessInfo process, String sandboxName, Path tmp, List<String> command);

    /**
     * @param argv       the init's command line
     * @param bwrapArgs  the bubblewrap arguments inside argv (empty without bubblewrap)
     * @param directory  its working directory
     * @param environment its whole environment
     * @param sandboxPath where the workspace appears inside
     */
    record Plan(List<String> argv, List<String> bwrapArgs, Path directory, Map<String, String> environment,
                String sandboxPath) {
    }
}
