package dev.sandtable.local;

import dev.sandtable.model.Isolation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** No isolation: the init runs as the user in the sandbox's directory, with HOME and TMPDIR pointing into it. */
final class DirectLauncher implements Launcher {
    private final Isolation isolation;

    DirectLauncher(String why) {
        this.isolation = Isolation.none(why);
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public Plan plan(String sandboxName, Path workspace, Path tmp) {
        return new Plan(List.of("/bin/sh", "-c", INIT_SCRIPT), List.of(), workspace, environment(sandboxName, workspace, tmp),
                workspace.toString());
    }

    @Override
    public ExecSpec exec(SandboxProcessInfo process, String sandboxName, Path tmp, List<String> command) {
        return new ExecSpec(new ArrayList<>(command), process.workspace(), environment(sandboxName, process.workspace(), tmp));
    }

    private static Map<String, String> environment(String sandboxName, Path workspace, Path tmp) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOME", workspace.toString());
        env.put("TMPDIR", tmp.toString());
        env.put("PWD", workspace.toString());
        env.put("SANDTABLE_SANDBOX", sandboxName);
        return env;
    }
}
