package dev.sandtable.e2b.server;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux inotify(7) through java.lang.foreign (as {@code local/Posix} calls kill): the syscalls, the mask bits, and the
 * decoding of {@code struct inotify_event} records. {@link #AVAILABLE} is false off Linux or where native access is
 * denied; callers then fall back to the JDK's WatchService.
 */
@SuppressWarnings("restricted")
final class Inotify {
    static final int IN_MODIFY = 0x2;
    static final int IN_ATTRIB = 0x4;
    static final int IN_CLOSE_WRITE = 0x8;
    static final int IN_MOVED_FROM = 0x40;
    static final int IN_MOVED_TO = 0x80;
    static final int IN_CREATE = 0x100;
    static final int IN_DELETE = 0x200;
    static final int IN_DELETE_SELF = 0x400;
    static final int IN_MOVE_SELF = 0x800;
    static final int IN_UNMOUNT = 0x2000;
    static final int IN_Q_OVERFLOW = 0x4000;
    static final int IN_IGNORED = 0x8000;
    static final int IN_ONLYDIR = 0x01000000;
    static final int IN_DONT_FOLLOW = 0x02000000;
    static final int IN_ISDIR = 0x40000000;
    /** What envd's fsnotify watches: no IN_CLOSE_WRITE, no IN_ACCESS/IN_OPEN. */
    static final int WATCH_MASK = IN_CREATE | IN_MODIFY | IN_DELETE | IN_DELETE_SELF | IN_MOVED_FROM | IN_MOVED_TO
            | IN_MOVE_SELF | IN_ATTRIB;

    /** O_NONBLOCK and O_CLOEXEC, which inotify_init1 and eventfd share (the same values on x86-64 and arm64). */
    static final int NONBLOCK = 0x800;
    static final int CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    /** sizeof(struct inotify_event) without its name. */
    static final int HEADER = 16;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle INIT1, ADD_WATCH, RM_WATCH, READ, WRITE, POLL, CLOSE, EVENTFD;
    static final boolean AVAILABLE;
    static final String UNAVAILABLE_REASON;

    static {
        MethodHandle[] h = new MethodHandle[8];
        String reason = null;
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            reason = "inotify exists only on Linux";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                ValueLayout I = ValueLayout.JAVA_INT, L = ValueLayout.JAVA_LONG;
                ValueLayout P = ValueLayout.ADDRESS;
                h[0] = linker.downcallHandle(libc.find("inotify_init1").orElseThrow(), FunctionDescriptor.of(I, I), errno);
                h[1] = linker.downcallHandle(libc.find("inotify_add_watch").orElseThrow(), FunctionDescriptor.of(I, I, P, I), errno);
                h[2] = linker.downcallHandle(libc.find("inotify_rm_watch").orElseThrow(), FunctionDescriptor.of(I, I, I), errno);
                h[3] = linker.downcallHandle(libc.find("read").orElseThrow(), FunctionDescriptor.of(L, I, P, L), errno);
                h[4] = linker.downcallHandle(libc.find("write").orElseThrow(), FunctionDescriptor.of(L, I, P, L), errno);
                h[5] = linker.downcallHandle(libc.find("poll").orElseThrow(), FunctionDescriptor.of(I, P, L, I), errno);
                h[6] = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(I, I));
                h[7] = linker.downcallHandle(libc.find("eventfd").orElseThrow(), FunctionDescriptor.of(I, I, I), errno);
            } catch (IllegalCallerException | UnsupportedOperationException | java.util.NoSuchElementException e) {
                reason = "native access is not available (" + e.getMessage() + ")";
                h = new MethodHandle[8];
            }
        }
        INIT1 = h[0];
        ADD_WATCH = h[1];
        RM_WATCH = h[2];
        READ = h[3];
        WRITE = h[4];
        POLL = h[5];
        CLOSE = h[6];
        EVENTFD = h[7];
        AVAILABLE = reason == null;
        UNAVAILABLE_REASON = reason;
    }

    private Inotify() {
    }

    /** A failed syscall: its name and errno. */
    static final class NativeError extends java.io.IOException {
        final int errno;

        NativeError(String call, int errno) {
            super(call + " failed: " + describe(errno));
            this.errno = errno;
        }

        private static String describe(int errno) {
            return switch (errno) {
                case 2 -> "no such file or directory (ENOENT)";
                case 13 -> "permission denied (EACCES)";
                case 20 -> "not a directory (ENOTDIR)";
                case 24 -> "too many open files (EMFILE)";
                case 28 -> "the user's limit of inotify watches is reached (ENOSPC; see /proc/sys/fs/inotify/max_user_watches)";
                default -> "errno " + errno;
            };
        }
    }

    /** One decoded {@code struct inotify_event}: {@code name} is empty for events on the watched directory itself. */
    record Event(int wd, int mask, int cookie, String name) {
        boolean is(int bit) {
            return (mask & bit) != 0;
        }
    }

    /**
     * The records in {@code buf[0, length)}: a 16-byte header (wd, mask, cookie, len; native byte order) followed by
     * {@code len} bytes of NUL-padded name. A record cut short ends the list.
     */
    static List<Event> decode(MemorySegment buf, long length) {
        List<Event> out = new ArrayList<>();
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
        long off = 0;
        while (off + HEADER <= length) {
            int wd = buf.get(i32, off);
            int mask = buf.get(i32, off + 4);
            int cookie = buf.get(i32, off + 8);
            int len = buf.get(i32, off + 12);
            if (len < 0 || off + HEADER + len > length) break;
            int n = 0;
            while (n < len && buf.get(ValueLayout.JAVA_BYTE, off + HEADER + n) != 0) n++;
            byte[] name = buf.asSlice(off + HEADER, n).toArray(ValueLayout.JAVA_BYTE);
            out.add(new Event(wd, mask, cookie, new String(name, StandardCharsets.UTF_8)));
            off += HEADER + len;
        }
        return out;
    }

    /**
     * envd's event types for one mask, in envd's order (CREATE, RENAME, CHMOD, WRITE, REMOVE), as fsnotify maps
     * inotify: IN_CREATE and IN_MOVED_TO are CREATE, IN_MOVED_FROM and IN_MOVE_SELF are RENAME (under the old name),
     * IN_ATTRIB is CHMOD, IN_MODIFY is WRITE (IN_CLOSE_WRITE is not watched), IN_DELETE and IN_DELETE_SELF are REMOVE.
     */
    static List<String> types(int mask) {
        List<String> types = new ArrayList<>(2);
        if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0) types.add("EVENT_TYPE_CREATE");
        if ((mask & (IN_MOVED_FROM | IN_MOVE_SELF)) != 0) types.add("EVENT_TYPE_RENAME");
        if ((mask & IN_ATTRIB) != 0) types.add("EVENT_TYPE_CHMOD");
        if ((mask & IN_MODIFY) != 0) types.add("EVENT_TYPE_WRITE");
        if ((mask & (IN_DELETE | IN_DELETE_SELF)) != 0) types.add("EVENT_TYPE_REMOVE");
        return types;
    }

    // ------------------------------------------------------------ syscalls

    static int init() throws NativeError {
        return newFd("inotify_init1");
    }

    static int eventfd() throws NativeError {
        return newFd("eventfd");
    }

    private static int newFd(String call) throws NativeError {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CALL_STATE);
            int fd = call.equals("eventfd") ? (int) EVENTFD.invokeExact(st, 0, NONBLOCK | CLOEXEC)
                    : (int) INIT1.invokeExact(st, NONBLOCK | CLOEXEC);
            if (fd < 0) throw new NativeError(call, (int) ERRNO.get(st, 0L));
            return fd;
        } catch (NativeError e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** inotify_add_watch; the same inode watched twice gives the same descriptor. */
    static int addWatch(int fd, String path, int mask) throws NativeError {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = arena.allocateFrom(path);
            MemorySegment st = arena.allocate(CALL_STATE);
            int wd = (int) ADD_WATCH.invokeExact(st, fd, cpath, mask);
            if (wd < 0) throw new NativeError("inotify_add_watch(" + path + ")", (int) ERRNO.get(st, 0L));
            return wd;
        } catch (NativeError e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** inotify_rm_watch; a descriptor the kernel already dropped (its directory is gone) is not an error. */
    static void rmWatch(int fd, int wd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) RM_WATCH.invokeExact(arena.allocate(CALL_STATE), fd, wd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Waits (at most {@code timeoutMs}; -1 = no limit) until {@code fd} or {@code wakeFd} is readable; true when {@code fd} is. */
    static boolean pollReadable(MemorySegment pollfds, int fd, int wakeFd, int timeoutMs) throws NativeError {
        ValueLayout.OfShort s16 = ValueLayout.JAVA_SHORT;
        pollfds.set(ValueLayout.JAVA_INT, 0, fd);
        pollfds.set(s16, 4, POLLIN);
        pollfds.set(s16, 6, (short) 0);
        pollfds.set(ValueLayout.JAVA_INT, 8, wakeFd);
        pollfds.set(s16, 12, POLLIN);
        pollfds.set(s16, 14, (short) 0);
        while (true) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment st = arena.allocate(CALL_STATE);
                int rc = (int) POLL.invokeExact(st, pollfds, 2L, timeoutMs);
                if (rc >= 0) return (pollfds.get(s16, 14) & POLLIN) == 0;
                int errno = (int) ERRNO.get(st, 0L);
                if (errno != EINTR) throw new NativeError("poll", errno);
            } catch (NativeError e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** read(2) into {@code buf}; 0 when nothing is pending (EAGAIN). */
    static long read(int fd, MemorySegment buf) throws NativeError {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CALL_STATE);
            while (true) {
                long n = (long) READ.invokeExact(st, fd, buf, buf.byteSize());
                if (n >= 0) return n;
                int errno = (int) ERRNO.get(st, 0L);
                if (errno == EAGAIN) return 0;
                if (errno != EINTR) throw new NativeError("read", errno);
            }
        } catch (NativeError e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Wakes a poll on an eventfd. */
    static void signal(int eventFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            long ignored = (long) WRITE.invokeExact(arena.allocate(CALL_STATE), eventFd, one, 8L);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        if (fd < 0) return;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
