package dev.sandtable.local;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one libc call Java lacks: {@code kill(2)} with any signal. {@link ProcessHandle#destroy()} only sends TERM and
 * KILL; pausing a process tree without a cgroup needs STOP and CONT. Called through java.lang.foreign, so no native
 * library of our own is needed. Where native access is denied (--illegal-native-access=deny without
 * --enable-native-access), it falls back to the kill(1) command, which is slower but equivalent.
 */
@SuppressWarnings("restricted")
final class Posix {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;
    private static final int ESRCH = 3;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle KILL = killHandle();

    private static MethodHandle killHandle() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        } catch (IllegalCallerException | UnsupportedOperationException e) {
            System.getLogger(Posix.class.getName()).log(System.Logger.Level.WARNING,
                    "native access is not allowed (" + e.getMessage() + "); signals are sent with the kill command instead");
            return null;
        }
    }

    private Posix() {
    }

    /**
     * Sends {@code signal} to {@code pid} (a negative pid addresses a process group).
     *
     * @return true when sent, false when no such process exists
     * @throws IllegalStateException for any other failure (EPERM, EINVAL)
     */
    static boolean kill(long pid, int signal) {
        if (pid == 0 || pid == -1 || pid > Integer.MAX_VALUE || pid < Integer.MIN_VALUE)
            throw new IllegalArgumentException("refusing to signal pid " + pid);
        if (KILL == null) return killCommand(pid, signal);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) KILL.invokeExact(state, (int) pid, signal);
            if (rc == 0) return true;
            int errno = (int) ERRNO.get(state, 0L);
            if (errno == ESRCH) return false;
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed with errno " + errno);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static boolean killCommand(long pid, int signal) {
        try {
            Process p = new ProcessBuilder("kill", "-s", Integer.toString(signal), "--", Long.toString(pid))
                    .redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
    }
}
