package dev.sandtable.app.cli;

import dev.sandtable.service.Api;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.service.ServiceFiles;
import dev.sandtable.model.Inventory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code sandtable service status|stop}: the background service itself. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Show or stop the background Sandtable service. Without a subcommand, shows its status."})
final class ServiceCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Override
    public Integer call() {
        return status();
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Is the service running? Where, since when, with what? (exit code 3 when it is not running)")
    int status() {
        CliContext ctx = root.ctx;
        Optional<ServiceClient> running = ctx.runningService();
        if (running.isEmpty()) {
            if (ctx.json) ctx.out.println("{\"running\":false}");
            else ctx.out.println("the Sandtable service is not running (it starts with the first command that needs it)");
            return ExitCodes.UNAVAILABLE;
        }
        Api.Info info = running.get().serviceInfo();
        if (ctx.json) {
            ctx.printJson(info);
            return ExitCodes.OK;
        }
        Inventory inv = ctx.inventory();
        ctx.out.println("running:  pid " + info.pid() + ", version " + info.version() + ", started " + Formats.ago(info.startedAt(), ctx.now()));
        ctx.out.println("backend:  " + info.backend().displayName() + " (" + info.backend().id() + ")");
        ctx.out.println("api:      " + info.url() + "  (key in " + ServiceFiles.serviceJson(ctx.paths()) + ")");
        ctx.out.println("log:      " + ServiceFiles.logFile(ctx.paths()));
        ctx.out.println("holds:    " + inv.sandboxes().size() + " sandboxes, " + inv.pools().size() + " pools, "
                + inv.snapshots().size() + " snapshots, " + inv.templates().size() + " templates");
        return ExitCodes.OK;
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the service and its sandboxes (snapshots, templates and pool definitions stay).")
    int stop() {
        CliContext ctx = root.ctx;
        Optional<ServiceClient> running = ctx.runningService();
        if (running.isEmpty()) {
            if (!ctx.json) ctx.out.println("the Sandtable service is not running");
            return ExitCodes.OK;
        }
        long pid = running.get().serviceInfo().pid();
        CliContext.await(running.get().shutdown());
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        boolean gone = process.isEmpty() || waitForExit(process.get(), Duration.ofSeconds(60));
        if (!gone) {
            ctx.err.println("sandtable: the service (pid " + pid + ") is still stopping; see " + ServiceFiles.logFile(ctx.paths()));
            return ExitCodes.FAILED;
        }
        if (!ctx.json) ctx.out.println("stopped the Sandtable service (pid " + pid + ")");
        return ExitCodes.OK;
    }

    /**
     * Polls: onExit() of a process that is not our child checks only about once a second, and a process that has
     * exited counts as alive until its parent (init, for a detached service) reaps it.
     */
    private static boolean waitForExit(ProcessHandle p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (p.isAlive() && !isZombie(p.pid())) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !p.isAlive();
            }
        }
        return true;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (java.io.IOException | RuntimeException e) {
            return false; // no /proc (macOS) or already gone
        }
    }
}
