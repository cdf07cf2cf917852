package dev.sandtable.local;

import dev.sandtable.model.Isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Bubblewrap: new namespaces (as many as this machine allows, found by a probe run at start), host system directories
 * read-only, /proc, /dev, a private /tmp, and the sandbox's tree bound writable at /workspace. {@code --die-with-parent}
 * ties every sandbox to the runtime: nothing outlives it.
 */
final class BubblewrapLauncher implements Launcher {
    static final String WORKSPACE = "/workspace";
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");
    private static final List<String> NAMESPACES = List.of("user", "pid", "mnt", "ipc", "uts", "cgroup", "net");
    private static final List<List<String>> UNSHARE_CHOICES = List.of(
            List.of("--unshare-all", "--share-net"),
            List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"),
            List.of());

    private static volatile Optional<Probe> cached;

    private final Path bwrap;
    private final List<String> unshare;
    private final boolean newUts;
    private final Isolation isolation;

    private BubblewrapLauncher(Probe probe) {
        this.bwrap = probe.bwrap();
        this.unshare = probe.unshare();
        this.newUts = probe.newNamespaces().contains("uts");
        this.isolation = new Isolation("bubblewrap", true, probe.detail());
    }

    /** A launcher when bubblewrap is installed and works here; otherwise why not. Probed once per JVM. */
    static Result detect() {
        Optional<Probe> p = cached;
        if (p == null) {
            synchronized (BubblewrapLauncher.class) {
                if (cached == null) cached = findOnPath("bwrap").map(BubblewrapLauncher::probe);
                p = cached;
            }
        }
        return result(p);
    }

    /** Probes the given bwrap (or its absence) without caching: for tests of the fallback. */
    static Result detect(Optional<Path> bwrap) {
        return result(bwrap.map(BubblewrapLauncher::probe));
    }

    private static Result result(Optional<Probe> p) {
        if (p.isPresent() && p.get().failure() == null) return new Result(new BubblewrapLauncher(p.get()), null);
        if (p.isEmpty()) return new Result(null, "bubblewrap is not installed: processes run as you, unconfined");
        return new Result(null, "bubblewrap cannot create a sandbox here (" + p.get().failure() + "): processes run as you, unconfined");
    }

    record Result(BubblewrapLauncher launcher, String whyNot) {
    }

    static Optional<Path> findOnPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    @Override
    public Plan plan(String sandboxName, Path workspace, Path tmp) {
        List<String> args = arguments(unshare, newUts ? sandboxName : null, workspace);
        List<String> argv = new ArrayList<>();
        argv.add(bwrap.toString());
        argv.addAll(args);
        argv.addAll(List.of("/bin/sh", "-c", INIT_SCRIPT));
        return new Plan(argv, args, workspace, Map.of("PATH", PATH), WORKSPACE);
    }

    @Override
    public ExecSpec exec(SandboxProcessInfo process, String sandboxName, Path tmp, List<String> command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(process.initPid()), "--all",
                "--root", "--wd", "--", "env", "-i", "PATH=" + PATH, "HOME=" + WORKSPACE, "TMPDIR=/tmp",
                "SANDTABLE_SANDBOX=" + sandboxName));
        argv.addAll(command);
        return new ExecSpec(argv, process.workspace(), Map.of("PATH", PATH));
    }

    private static List<String> arguments(List<String> unshare, String hostname, Path workspace) {
        List<String> a = new ArrayList<>(List.of("--die-with-parent", "--new-session"));
        a.addAll(unshare);
        if (hostname != null) a.addAll(List.of("--hostname", hostname));
        a.addAll(List.of("--clearenv", "--setenv", "PATH", PATH, "--setenv", "HOME", WORKSPACE, "--setenv", "TMPDIR", "/tmp"));
        for (String dir : SYSTEM_DIRS) {
            Path p = Path.of(dir);
            if (Files.isSymbolicLink(p)) {
                try {
                    a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(p)) {
                a.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        a.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                "--bind", workspace.toString(), WORKSPACE, "--chdir", WORKSPACE));
        return a;
    }

    private record Probe(Path bwrap, List<String> unshare, List<String> newNamespaces, String version, String failure) {
        String detail() {
            List<String> made = newNamespaces.stream().filter(n -> !n.equals("net")).map(Probe::label).toList();
            List<String> notMade = NAMESPACES.stream().filter(n -> !n.equals("net") && !newNamespaces.contains(n))
                    .map(Probe::label).toList();
            StringBuilder d = new StringBuilder(version).append(": ");
            d.append(made.isEmpty() ? "no new namespaces" : "new " + String.join(", ", made) + " namespaces");
            if (!notMade.isEmpty())
                d.append("; shares the host's ").append(String.join(", ", notMade)).append(" namespaces (cannot create them here)");
            return d.append("; host network; host system directories read-only; private /tmp; workspace at ")
                    .append(WORKSPACE).toString();
        }

        private static String label(String ns) {
            return ns.equals("mnt") ? "mount" : ns;
        }
    }

    private static Probe probe(Path bwrap) {
        String version = run(List.of(bwrap.toString(), "--version")).output().strip();
        if (version.isEmpty()) version = "bubblewrap";
        Map<String, String> host = new LinkedHashMap<>();
        for (String n : NAMESPACES) host.put(n, readNs(Path.of("/proc/self/ns", n)));
        String lastFailure = "no combination of namespaces worked";
        try {
            Path scratch = Files.createTempDirectory("sandtable-bwrap-probe");
            try {
                for (List<String> unshare : UNSHARE_CHOICES) {
                    List<String> argv = new ArrayList<>();
                    argv.add(bwrap.toString());
                    argv.addAll(arguments(unshare, null, scratch));
                    argv.addAll(List.of("/bin/sh", "-c", "for n in " + String.join(" ", NAMESPACES)
                            + "; do echo $n $(readlink /proc/self/ns/$n); done"));
                    Run r = run(argv);
                    if (r.exitCode() != 0) {
                        lastFailure = r.output().strip().isEmpty() ? "exit code " + r.exitCode() : r.output().strip();
                        continue;
                    }
                    List<String> fresh = new ArrayList<>();
                    for (String line : r.output().split("\n")) {
                        String[] f = line.strip().split(" ", 2);
                        if (f.length == 2 && host.containsKey(f[0]) && !f[1].equals(host.get(f[0]))) fresh.add(f[0]);
                    }
                    return new Probe(bwrap, unshare, fresh, version, null);
                }
            } finally {
                Files.deleteIfExists(scratch);
            }
        } catch (IOException e) {
            lastFailure = e.getMessage();
        }
        return new Probe(bwrap, List.of(), List.of(), version, lastFailure);
    }

    private static String readNs(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Run(-1, "timed out");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Run(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run(-1, "interrupted");
        }
    }
}
