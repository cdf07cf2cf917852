package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Finds and stops the service processes a test started below its temp folder, whatever state they are in. */
final class ServiceProcesses {
    private ServiceProcesses() {
    }

    /** Live descendants of this JVM that serve a runtime folder below {@code root}. */
    static List<ProcessHandle> under(Path root) {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(ServiceMain.class.getName()) && commandLine(p).contains(root.toString()))
                .toList();
    }

    /**
     * The whole command line from /proc: ProcessHandle.Info reads only its first page, and the service's class path
     * alone is longer than that, so the main class name would be cut off.
     */
    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .replace('\0', ' ');
        } catch (java.io.IOException | RuntimeException gone) {
            return p.info().commandLine().orElse("");
        }
    }

    /** Asks each service below {@code root} to shut down, then kills whatever is left. */
    static void stopAllUnder(Path root) throws InterruptedException {
        try (var dirs = Files.walk(root, 3)) {
            dirs.filter(d -> d.getFileName() != null && d.getFileName().toString().equals("run"))
                    .forEach(run -> ServiceFiles.read(RuntimePaths.under(run.getParent())).ifPresent(info -> {
                        try (ServiceClient c = ServiceClient.connect(info)) {
                            c.shutdown().join();
                        } catch (RuntimeException ignored) {
                            // not answering: killed below
                        }
                    }));
        } catch (IOException ignored) {
            // nothing there
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!under(root).isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        for (ProcessHandle p : under(root)) {
            p.destroyForcibly();
            p.onExit().join();
        }
    }

    /** The session id of a process (field 6 of /proc/PID/stat). */
    static long sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[3]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
