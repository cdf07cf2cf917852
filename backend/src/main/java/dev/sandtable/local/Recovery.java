package dev.sandtable.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cleans up after a runtime that did not close (the JVM was killed): every sandbox folder it left is read for the
 * processes it recorded, those still alive are killed (only when pid and start time both match, so a reused pid is
 * never touched), their cgroups are removed, and the folders are deleted. Sandboxes do not outlive their runtime.
 */
final class Recovery {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

    private Recovery() {
    }

    /** Returns one line per sandbox cleaned up. */
    static List<String> cleanStaleSandboxes(Path sandboxes) throws IOException {
        List<String> report = new ArrayList<>();
        Files.createDirectories(sandboxes);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sandboxes)) {
            for (Path dir : dirs) {
                Path record = dir.resolve(LocalSandbox.PROCESS_FILE);
                int killed = 0;
                if (Files.isRegularFile(record)) {
                    try {
                        killed = killLeftovers(Trees.readJson(record, SandboxProcessInfo.class));
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "unreadable " + record + ": " + e.getMessage());
                    }
                }
                Trees.deleteRecursively(dir);
                report.add(dir.getFileName() + ": removed" + (killed > 0 ? ", killed " + killed + " leftover processes" : ""));
            }
        }
        report.forEach(line -> LOG.log(System.Logger.Level.INFO, "recovered stale sandbox " + line));
        return report;
    }

    /** Kills what is left of one sandbox; returns how many processes were killed. */
    static int killLeftovers(SandboxProcessInfo info) {
        FreezeGroup group = ownedCgroup(info.cgroupDir()) ? CgroupFreezer.existing(info.cgroupDir()) : null;
        int killed = 0;
        if (info.mainPid() > 0) {
            ProcessTree tree = new ProcessTree(info.mainPid(), info.mainStartTime());
            for (int round = 0; round < 50; round++) {
                List<ProcStat> members = tree.members();
                if (members.isEmpty()) break;
                for (ProcStat p : members) {
                    Posix.kill(p.pid(), Posix.SIGKILL);
                    Posix.kill(p.pid(), Posix.SIGCONT);
                    if (round == 0) killed++;
                }
                Sleeps.brief(round);
            }
        }
        if (group != null) {
            killed += group.pids().size();
            group.remove();
        }
        return killed;
    }

    /** Only a cgroup we create (sandtable-<id> below a cgroup mount) is trusted from a file on disk. */
    private static boolean ownedCgroup(Path dir) {
        return dir != null && dir.startsWith("/sys/fs/cgroup") && dir.getFileName().toString().startsWith("sandtable-")
                && Files.isDirectory(dir);
    }
}
