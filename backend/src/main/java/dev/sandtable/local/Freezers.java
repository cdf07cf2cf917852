package dev.sandtable.local;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Finds the freezers this machine offers and picks one for a {@link FreezerMode}. */
final class Freezers {
    private static final Path PROC_SELF = Path.of("/proc/self");

    private Freezers() {
    }

    static Freezer select(FreezerMode mode) {
        return switch (mode) {
            case SIGNALS -> new SignalFreezer();
            case CGROUP_V2 -> cgroupV2().orElseThrow(() -> unavailable("a writable cgroup v2 with cgroup.freeze"));
            case CGROUP_V1 -> cgroupV1().orElseThrow(() -> unavailable("a writable cgroup v1 freezer"));
            case CGROUP -> cgroupV2().or(Freezers::cgroupV1)
                    .orElseThrow(() -> unavailable("a writable cgroup freezer (v2 cgroup.freeze or v1 freezer)"));
            case AUTO -> cgroupV2().or(Freezers::cgroupV1).orElseGet(SignalFreezer::new);
        };
    }

    private static SandtableException unavailable(String what) {
        return new SandtableException(ErrorCode.UNAVAILABLE, "this machine has no " + what
                + " for this user; use the signal freezer (SIGSTOP/SIGCONT) instead");
    }

    private static volatile Optional<Freezer> v2;
    private static volatile Optional<Freezer> v1;

    /** cgroup v2: a child of our own cgroup, when we may create it and it has cgroup.freeze (a delegated subtree). */
    static Optional<Freezer> cgroupV2() {
        Optional<Freezer> f = v2;
        if (f == null) v2 = f = probeV2();
        return f;
    }

    static Optional<Freezer> cgroupV1() {
        Optional<Freezer> f = v1;
        if (f == null) v1 = f = probeV1();
        return f;
    }

    private static Optional<Freezer> probeV2() {
        return ownCgroup("cgroup2", null, "0::")
                .filter(dir -> probe(dir, "cgroup.freeze"))
                .map(dir -> new CgroupFreezer(CgroupFreezer.Version.V2, dir));
    }

    private static Optional<Freezer> probeV1() {
        return ownCgroup("cgroup", "freezer", null)
                .filter(dir -> probe(dir, "freezer.state"))
                .map(dir -> new CgroupFreezer(CgroupFreezer.Version.V1, dir));
    }

    /** The directory of this process's cgroup in the hierarchy mounted with {@code fsType} (and {@code controller}). */
    private static Optional<Path> ownCgroup(String fsType, String controller, String v2Prefix) {
        try {
            String mountPoint = null;
            String mountRoot = "/";
            for (String line : Files.readAllLines(PROC_SELF.resolve("mountinfo"))) {
                String[] halves = line.split(" - ", 2);
                if (halves.length < 2) continue;
                String[] post = halves[1].split(" ");
                String[] pre = halves[0].split(" ");
                if (!post[0].equals(fsType)) continue;
                if (controller != null && (post.length < 3 || !List.of(post[2].split(",")).contains(controller))) continue;
                mountRoot = pre[3];
                mountPoint = pre[4].replace("\\040", " ");
                break;
            }
            if (mountPoint == null) return Optional.empty();
            String path = null;
            for (String line : Files.readAllLines(PROC_SELF.resolve("cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length < 3) continue;
                if (v2Prefix != null && line.startsWith(v2Prefix)) path = f[2];
                if (controller != null && List.of(f[1].split(",")).contains(controller)) path = f[2];
            }
            if (path == null) return Optional.empty();
            if (!mountRoot.equals("/") && path.startsWith(mountRoot)) path = path.substring(mountRoot.length());
            Path dir = Path.of(mountPoint, path.replaceFirst("^/", ""));
            return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether a child process can really move itself into {@code cgroup}, as every sandbox's init does. */
    private static boolean canJoin(Path cgroup) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", "echo $$ > \"$0\"", cgroup.resolve("cgroup.procs").toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean probe(Path dir, String controlFile) {
        if (!Files.isWritable(dir.resolve("cgroup.procs"))) return false;
        Path probe = dir.resolve("sandtable-probe-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectory(probe);
            return Files.isWritable(probe.resolve(controlFile)) && canJoin(probe);
        } catch (IOException e) {
            return false;
        } finally {
            for (int round = 0; round < 20; round++) {
                try {
                    Files.deleteIfExists(probe);
                    break;
                } catch (IOException busy) {
                    // the probe process may take a moment to leave; an empty probe left behind is harmless
                    Sleeps.brief(round);
                }
            }
        }
    }
}
