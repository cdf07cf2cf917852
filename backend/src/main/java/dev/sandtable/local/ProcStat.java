package dev.sandtable.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@code /proc/<pid>/stat}: what is needed to walk a process tree, tell a stopped process from a running
 * one, and recognise a process again after a restart (pid + start time, so a reused pid is never mistaken for ours).
 *
 * @param state     R, S, D, T (stopped), t (traced), Z (zombie), X (dead), ...
 * @param startTime clock ticks after boot at which the process started
 */
record ProcStat(long pid, String comm, char state, long ppid, long pgrp, long session, long startTime) {
    private static final Path PROC = Path.of("/proc");

    static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static ProcStat parse(String line) {
        // comm is in parentheses and may itself contain spaces or ')': split after the last ')'
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        long pid = Long.parseLong(line.substring(0, open).trim());
        String comm = line.substring(open + 1, close);
        String[] f = line.substring(close + 2).split(" ");
        // f[0] = field 3 (state), f[1] = ppid, f[2] = pgrp, f[3] = session, f[19] = field 22 (starttime)
        return new ProcStat(pid, comm, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[3]), Long.parseLong(f[19]));
    }

    /** Every process visible in /proc. */
    static List<ProcStat> all() {
        List<ProcStat> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) continue;
                read(Long.parseLong(n)).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    boolean stopped() {
        return state == 'T' || state == 't';
    }

    boolean gone() {
        return state == 'Z' || state == 'X';
    }

    /** True when {@code pid} still names the process that started at {@code startTime}. */
    static boolean sameProcess(long pid, long startTime) {
        return read(pid).map(s -> s.startTime() == startTime && !s.gone()).orElse(false);
    }
}
