package dev.sandtable.local;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts and stops the process tree of a sandbox: the init joins the sandbox's cgroup, leads its own session, runs
 * under the launcher (bubblewrap or none); stopping is TERM, then KILL after a grace period.
 */
final class SandboxProcesses implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SandboxProcesses.class.getName());
    private static final String SETSID = BubblewrapLauncher.findOnPath("setsid").map(Path::toString).orElse(null);

    private final Launcher launcher;
    private final Freezer freezer;
    private final Duration stopGrace;
    /** Processes are started from one long-lived platform thread: bwrap's --die-with-parent follows the starting thread. */
    private final ExecutorService launchThread = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("sandtable-launcher").unstarted(r));

    SandboxProcesses(Launcher launcher, Freezer freezer, Duration stopGrace) {
        this.launcher = launcher;
        this.freezer = freezer;
        this.stopGrace = stopGrace;
    }

    Launcher launcher() {
        return launcher;
    }

    /**
     * Opens the sandbox's freeze group, starts its init from the launcher thread, waits until it runs, records it in
     * {@code process.json} and calls {@code onExit} (once) when the main process ends.
     */
    void start(LocalSandbox sb, Runnable onExit) throws IOException {
        String name = sb.view.name();
        FreezeGroup group = freezer.open(sb.id);
        sb.group = group;
        Launcher.Plan plan = launcher.plan(name, sb.workspace, sb.tmp);
        // record the cgroup before anything runs in it, so a crash at any point leaves something to clean up
        writeProcessInfo(sb, new SandboxProcessInfo(sb.id, 0, 0, 0, group.cgroupDir(), plan.bwrapArgs(), sb.workspace,
                plan.sandboxPath()));
        List<String> argv = new ArrayList<>();
        if (group.procsFile() != null)
            argv.addAll(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", group.procsFile().toString()));
        if (SETSID != null) argv.add(SETSID);
        argv.addAll(plan.argv());
        Path log = sb.dir.resolve("init.log");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(plan.directory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(plan.environment());
        Process process;
        try {
            process = launchThread.submit(pb::start).get();
        } catch (ExecutionException e) {
            throw new SandtableException(ErrorCode.INTERNAL, "could not start sandbox '" + name + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandtableException(ErrorCode.INTERNAL, "interrupted while starting sandbox '" + name + "'");
        }
        sb.process = process;
        long startTime = ProcStat.read(process.pid()).map(ProcStat::startTime).orElse(0L);
        ProcessTree tree = new ProcessTree(process.pid(), startTime);
        sb.tree = tree;
        long initPid = awaitInit(sb, process, tree, log);
        SandboxProcessInfo info = new SandboxProcessInfo(sb.id, process.pid(), startTime, initPid, group.cgroupDir(),
                plan.bwrapArgs(), sb.workspace, plan.sandboxPath());
        sb.info = info;
        writeProcessInfo(sb, info);
        process.onExit().thenRun(onExit);
    }

    /** Not fsynced: it must survive a killed JVM (the page cache does); after a power cut no process is left anyway. */
    private void writeProcessInfo(LocalSandbox sb, SandboxProcessInfo info) throws IOException {
        Trees.writeJsonAtomically(sb.dir.resolve(LocalSandbox.PROCESS_FILE), info, false);
    }

    /** Waits until the init runs (after setsid, and inside bubblewrap when used); returns its pid. */
    private long awaitInit(LocalSandbox sb, Process process, ProcessTree tree, Path log) {
        boolean bwrap = launcher instanceof BubblewrapLauncher;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int round = 0; ; round++) {
            if (!process.isAlive())
                throw new SandtableException(ErrorCode.INTERNAL, "sandbox '" + sb.view.name() + "' stopped at once ("
                        + exitReason(process.exitValue()) + ")" + logTail(log));
            ProcStat main = ProcStat.read(process.pid()).orElse(null);
            if (main != null && (SETSID == null || main.session() == process.pid())) {
                if (!bwrap && main.comm().equals("sh")) return process.pid();
                if (bwrap) {
                    Map<Long, ProcStat> members = tree.members().stream().collect(Collectors.toMap(ProcStat::pid, p -> p));
                    for (ProcStat p : members.values()) {
                        ProcStat parent = members.get(p.ppid());
                        if (p.pid() != process.pid() && p.comm().equals("sh") && parent != null && parent.comm().equals("bwrap"))
                            return p.pid();
                    }
                }
            }
            if (System.nanoTime() > deadline)
                throw new SandtableException(ErrorCode.INTERNAL, "sandbox '" + sb.view.name() + "' did not start within 15 s" + logTail(log));
            Sleeps.brief(round);
        }
    }

    private static String logTail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (s.isEmpty()) return "";
            return ": " + (s.length() > 400 ? s.substring(s.length() - 400) : s);
        } catch (IOException e) {
            return "";
        }
    }

    static String exitReason(int code) {
        if (code > 128 && code < 160) return "its main process was killed by " + Posix.signalName(code - 128) + ", exit code " + code;
        return "its main process exited with code " + code;
    }

    /** TERM to the sandbox's processes (not to bwrap itself, which follows its init), KILL after the grace period. */
    void stop(LocalSandbox sb) {
        Process p = sb.process;
        ProcessTree tree = sb.tree;
        FreezeGroup group = sb.group;
        try {
            if (tree != null) {
                try {
                    if (group != null && group.frozen(tree)) group.thaw(tree);
                } catch (FreezeGroup.FreezeException e) {
                    LOG.log(System.Logger.Level.WARNING, "thaw before stop failed: " + e.getMessage());
                }
                for (ProcStat m : tree.members()) {
                    if (!m.comm().equals("bwrap")) Posix.kill(m.pid(), Posix.SIGTERM);
                    if (m.stopped()) Posix.kill(m.pid(), Posix.SIGCONT);
                }
                if (p != null && !p.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS))
                    LOG.log(System.Logger.Level.INFO, "sandbox " + sb.id + " ignored TERM; killing it");
                for (int round = 0; round < 100; round++) {
                    if (tree.signalAll(Posix.SIGKILL) == 0 && (p == null || !p.isAlive())) break;
                    Sleeps.brief(round);
                }
                if (p != null) p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (group != null) group.remove();
        }
    }

    /** Ends the launcher thread: call after every sandbox is stopped (bubblewrap sandboxes die with it). */
    @Override
    public void close() {
        launchThread.shutdown();
    }
}
