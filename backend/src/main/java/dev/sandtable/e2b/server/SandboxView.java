package dev.sandtable.e2b.server;

import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.SandboxProcessInfo;

import java.nio.file.Path;

/**
 * How paths look inside one sandbox, and where they are on the host. Without bubblewrap a sandbox sees the host's
 * paths and its home is its workspace. With bubblewrap the workspace appears at /workspace and everything else is the
 * sandbox's own root, reached from the host through {@code /proc/<init>/root}.
 *
 * @param sandboxId the local runtime's id
 * @param home      the home folder inside (the workspace), where relative paths start
 * @param workspace the workspace on the host
 * @param initPid   the sandbox's init, whose root the sandbox sees
 */
record SandboxView(String sandboxId, String home, Path workspace, long initPid) {

    static SandboxView of(LocalRuntime runtime, String sandboxId) {
        SandboxProcessInfo p = runtime.processInfo(sandboxId);
        return new SandboxView(sandboxId, p.sandboxPath(), p.workspace(), p.initPid());
    }

    boolean sharesHostPaths() {
        return home.equals(workspace.toString());
    }

    /** The absolute path inside the sandbox: {@code ~} is the home, relative paths start there; empty means home. */
    String resolve(String path) {
        if (path == null || path.isEmpty()) return home;
        String p = path;
        if (p.equals("~")) p = home;
        else if (p.startsWith("~/")) p = home + p.substring(1);
        else if (!p.startsWith("/")) p = home + "/" + p;
        return Path.of(p).normalize().toString();
    }

    /** Where an absolute inside path is on the host. */
    Path host(String inside) {
        Path p = Path.of(inside).normalize();
        if (sharesHostPaths()) return p;
        Path homePath = Path.of(home);
        if (p.startsWith(homePath)) return workspace.resolve(homePath.relativize(p).toString());
        return Path.of("/proc", Long.toString(initPid), "root").resolve(Path.of("/").relativize(p).toString());
    }

    /** The inside path of a host path that {@link #host} produced. */
    String inside(Path host) {
        Path h = host.normalize();
        if (sharesHostPaths()) return h.toString();
        if (h.startsWith(workspace)) {
            String rel = workspace.relativize(h).toString();
            return rel.isEmpty() ? home : home + "/" + rel;
        }
        Path root = Path.of("/proc", Long.toString(initPid), "root");
        if (h.startsWith(root)) return "/" + root.relativize(h);
        return h.toString();
    }
}
