package dev.sandtable.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one sandbox: its main process, every descendant, and every process still in the main process's
 * session (orphans that were re-parented away keep their session). Processes that started before the main process are
 * never included, so a reused pid or session id cannot pull a stranger into the tree.
 */
record ProcessTree(long rootPid, long rootStartTime) {

    /** A fresh walk of /proc: the live (non-zombie) members, root first. */
    List<ProcStat> members() {
        List<ProcStat> all = ProcStat.all();
        Map<Long, List<ProcStat>> children = new HashMap<>();
        Map<Long, ProcStat> found = new LinkedHashMap<>();
        ProcStat root = null;
        for (ProcStat p : all) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            if (p.pid() == rootPid && p.startTime() == rootStartTime) root = p;
        }
        Deque<ProcStat> todo = new ArrayDeque<>();
        if (root != null) todo.add(root);
        for (ProcStat p : all)
            if (p.session() == rootPid && p.startTime() >= rootStartTime && p.pid() != rootPid) todo.add(p);
        while (!todo.isEmpty()) {
            ProcStat p = todo.poll();
            if (found.putIfAbsent(p.pid(), p) != null) continue;
            todo.addAll(children.getOrDefault(p.pid(), List.of()));
        }
        found.values().removeIf(ProcStat::gone);
        return new ArrayList<>(found.values());
    }

    /** Sends {@code signal} to every member; returns how many received it. */
    int signalAll(int signal) {
        int sent = 0;
        for (ProcStat p : members()) if (Posix.kill(p.pid(), signal)) sent++;
        return sent;
    }

    boolean rootAlive() {
        return ProcStat.sameProcess(rootPid, rootStartTime);
    }
}
