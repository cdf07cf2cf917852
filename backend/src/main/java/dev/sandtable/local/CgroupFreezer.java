package dev.sandtable.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup freezer: each sandbox gets its own cgroup below the runtime's cgroup ({@code sandtable-<id>}); its launcher
 * joins that cgroup before it starts anything, so every process of the sandbox is in it. Freezing is one write; the
 * state is verified before PAUSED is reported.
 * <ul>
 *   <li>v2: {@code cgroup.freeze} = 1, verified by {@code frozen 1} in {@code cgroup.events}</li>
 *   <li>v1: {@code freezer.state} = FROZEN, verified when it reads back FROZEN (not FREEZING)</li>
 * </ul>
 */
final class CgroupFreezer implements Freezer {
    enum Version { V1, V2 }

    private static final int ROUNDS = 250;

    private final Version version;
    private final Path parent;

    CgroupFreezer(Version version, Path parent) {
        this.version = version;
        this.parent = parent;
    }

    Version version() {
        return version;
    }

    @Override
    public String description() {
        return "cgroup " + version.name().toLowerCase(java.util.Locale.ROOT) + " freezer below " + parent;
    }

    @Override
    public FreezeGroup open(String sandboxId) throws IOException {
        Path dir = parent.resolve("sandtable-" + sandboxId);
        Files.createDirectories(dir);
        return new Group(version, dir);
    }

    /** Re-opens the group of a sandbox recorded before a crash, to clean it up. */
    static FreezeGroup existing(Path dir) {
        Version v = Files.exists(dir.resolve("cgroup.freeze")) ? Version.V2 : Version.V1;
        return new Group(v, dir);
    }

    private record Group(Version version, Path cgroupDir) implements FreezeGroup {

        @Override
        public void freeze(ProcessTree tree) throws FreezeException {
            write(version == Version.V2 ? "cgroup.freeze" : "freezer.state", version == Version.V2 ? "1" : "FROZEN");
            for (int round = 0; round < ROUNDS; round++) {
                if (frozen(tree)) return;
                Sleeps.brief(round);
            }
            try {
                thaw(tree);
            } catch (FreezeException ignored) {
                // report the original failure
            }
            throw new FreezeException("the cgroup " + cgroupDir + " did not reach the frozen state");
        }

        @Override
        public void thaw(ProcessTree tree) throws FreezeException {
            write(version == Version.V2 ? "cgroup.freeze" : "freezer.state", version == Version.V2 ? "0" : "THAWED");
            for (int round = 0; round < ROUNDS; round++) {
                if (!frozenOrFreezing()) return;
                Sleeps.brief(round);
            }
            throw new FreezeException("the cgroup " + cgroupDir + " did not thaw");
        }

        @Override
        public boolean frozen(ProcessTree tree) {
            try {
                if (version == Version.V2)
                    return Files.readAllLines(cgroupDir.resolve("cgroup.events")).contains("frozen 1");
                return Files.readString(cgroupDir.resolve("freezer.state")).strip().equals("FROZEN");
            } catch (IOException e) {
                return false;
            }
        }

        private boolean frozenOrFreezing() {
            try {
                if (version == Version.V2)
                    return Files.readAllLines(cgroupDir.resolve("cgroup.events")).contains("frozen 1");
                return !Files.readString(cgroupDir.resolve("freezer.state")).strip().equals("THAWED");
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public String frozenRawState() {
            return version == Version.V2 ? "frozen (cgroup v2)" : "frozen (cgroup v1 freezer)";
        }

        @Override
        public List<Long> pids() {
            List<Long> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(cgroupDir.resolve("cgroup.procs")))
                    if (!line.isBlank()) out.add(Long.parseLong(line.strip()));
            } catch (IOException | NumberFormatException e) {
                // gone or unreadable: nothing to list
            }
            return out;
        }

        @Override
        public void remove() {
            try {
                if (Files.isDirectory(cgroupDir)) {
                    if (frozenOrFreezing()) thaw(null);
                    if (version == Version.V2 && Files.exists(cgroupDir.resolve("cgroup.kill")) && !pids().isEmpty())
                        write("cgroup.kill", "1");
                    for (int round = 0; round < 100 && !pids().isEmpty(); round++) {
                        for (long pid : pids()) Posix.kill(pid, Posix.SIGKILL);
                        Sleeps.brief(round);
                    }
                    Files.deleteIfExists(cgroupDir);
                }
            } catch (IOException | FreezeException | RuntimeException e) {
                System.getLogger(CgroupFreezer.class.getName()).log(System.Logger.Level.WARNING,
                        "could not remove cgroup " + cgroupDir + ": " + e.getMessage());
            }
        }

        private void write(String file, String value) throws FreezeException {
            try {
                Files.writeString(cgroupDir.resolve(file), value);
            } catch (IOException e) {
                throw new FreezeException("cannot write " + cgroupDir.resolve(file) + ": " + e.getMessage());
            }
        }
    }
}
