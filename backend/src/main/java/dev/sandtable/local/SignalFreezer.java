package dev.sandtable.local;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pauses a tree with SIGSTOP and resumes it with SIGCONT, for machines without a writable cgroup freezer. The tree is
 * walked again after each round so that a process forked while stopping is caught too; PAUSED is reported only once
 * every member reads 'T' in /proc.
 */
final class SignalFreezer implements Freezer {
    private static final int ROUNDS = 200;

    @Override
    public String description() {
        return "SIGSTOP/SIGCONT to every process of the tree";
    }

    @Override
    public FreezeGroup open(String sandboxId) {
        return new Group();
    }

    private static final class Group implements FreezeGroup {
        @Override
        public Path cgroupDir() {
            return null;
        }

        @Override
        public void freeze(ProcessTree tree) throws FreezeException {
            Set<Long> signalled = new HashSet<>();
            for (int round = 0; round < ROUNDS; round++) {
                List<ProcStat> members = tree.members();
                boolean allStopped = true;
                for (ProcStat p : members) {
                    if (p.stopped()) continue;
                    allStopped = false;
                    if (signalled.add(p.pid())) Posix.kill(p.pid(), Posix.SIGSTOP);
                }
                if (allStopped && !members.isEmpty()) return;
                if (members.isEmpty()) throw new FreezeException("the sandbox has no running process to stop");
                Sleeps.brief(round);
            }
            try {
                thaw(tree);
            } catch (FreezeException ignored) {
                // report the original failure
            }
            throw new FreezeException("not every process of the sandbox stopped after SIGSTOP");
        }

        @Override
        public void thaw(ProcessTree tree) throws FreezeException {
            for (int round = 0; round < ROUNDS; round++) {
                boolean anyStopped = false;
                for (ProcStat p : tree.members()) {
                    if (!p.stopped()) continue;
                    anyStopped = true;
                    Posix.kill(p.pid(), Posix.SIGCONT);
                }
                if (!anyStopped) return;
                Sleeps.brief(round);
            }
            throw new FreezeException("some processes of the sandbox are still stopped after SIGCONT");
        }

        @Override
        public boolean frozen(ProcessTree tree) {
            List<ProcStat> members = tree.members();
            return !members.isEmpty() && members.stream().allMatch(ProcStat::stopped);
        }

        @Override
        public String frozenRawState() {
            return "stopped (SIGSTOP)";
        }

        @Override
        public List<Long> pids() {
            return List.of();
        }

        @Override
        public void remove() {
        }
    }
}
