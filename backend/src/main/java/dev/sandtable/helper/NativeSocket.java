package dev.sandtable.helper;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Unix stream socket through libc (java.lang.foreign), because the JDK's Unix channels cannot pass a descriptor:
 * {@code sendmsg} with SCM_RIGHTS hands the helper an image the user opened. Linux on 64-bit only (the msghdr and
 * cmsghdr offsets below are LP64's); elsewhere, or without native access, the client uses the JDK channel.
 */
@SuppressWarnings("restricted")
final class NativeSocket implements HelperClient.Transport {
    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 0x80000, O_RDONLY = 0, O_CLOEXEC = 0x80000,
            SOL_SOCKET = 1, SCM_RIGHTS = 1, SO_PEERCRED = 17, MSG_NOSIGNAL = 0x4000, SHUT_RDWR = 2, EINTR = 4;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET, CONNECT, SENDMSG, READ, OPEN, CLOSE, SHUTDOWN, STRERROR, GETSOCKOPT, GETUID;

    static {
        MethodHandle[] h = new MethodHandle[10];
        try {
            if (System.getProperty("os.name").equals("Linux") && ValueLayout.ADDRESS.byteSize() == 8) {
                Linker l = Linker.nativeLinker();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                ValueLayout I = ValueLayout.JAVA_INT, L = ValueLayout.JAVA_LONG;
                java.lang.foreign.AddressLayout A = ValueLayout.ADDRESS;
                h[0] = l.downcallHandle(l.defaultLookup().find("socket").orElseThrow(), FunctionDescriptor.of(I, I, I, I), errno);
                h[1] = l.downcallHandle(l.defaultLookup().find("connect").orElseThrow(), FunctionDescriptor.of(I, I, A, I), errno);
                h[2] = l.downcallHandle(l.defaultLookup().find("sendmsg").orElseThrow(), FunctionDescriptor.of(L, I, A, I), errno);
                h[3] = l.downcallHandle(l.defaultLookup().find("read").orElseThrow(), FunctionDescriptor.of(L, I, A, L), errno);
                h[4] = l.downcallHandle(l.defaultLookup().find("open").orElseThrow(), FunctionDescriptor.of(I, A, I), errno);
                h[5] = l.downcallHandle(l.defaultLookup().find("close").orElseThrow(), FunctionDescriptor.of(I, I));
                h[6] = l.downcallHandle(l.defaultLookup().find("shutdown").orElseThrow(), FunctionDescriptor.of(I, I, I));
                h[7] = l.downcallHandle(l.defaultLookup().find("strerror").orElseThrow(),
                        FunctionDescriptor.of(A.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), I));
                h[8] = l.downcallHandle(l.defaultLookup().find("getsockopt").orElseThrow(), FunctionDescriptor.of(I, I, I, I, A, A));
                h[9] = l.downcallHandle(l.defaultLookup().find("getuid").orElseThrow(), FunctionDescriptor.of(I));
            }
        } catch (IllegalCallerException | UnsupportedOperationException e) {
            java.util.Arrays.fill(h, null); // no native access: the JDK channel, without descriptor passing
        }
        SOCKET = h[0]; CONNECT = h[1]; SENDMSG = h[2]; READ = h[3]; OPEN = h[4]; CLOSE = h[5]; SHUTDOWN = h[6]; STRERROR = h[7]; GETSOCKOPT = h[8]; GETUID = h[9];
    }

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NativeSocket(int fd) {
        this.fd = fd;
    }

    static boolean available() {
        return SOCKET != null;
    }

    static NativeSocket connect(Path path) throws IOException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= 108) throw new IOException("socket path too long: " + path);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw error("socket", st);
            MemorySegment addr = a.allocate(110);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 2, name.length);
            int rc;
            do {
                rc = (int) CONNECT.invokeExact(st, fd, addr, 110);
            } while (rc < 0 && errno(st) == EINTR);
            if (rc < 0) {
                IOException e = error("connect", st);
                int ignored = (int) CLOSE.invokeExact(fd);
                throw e;
            }
            return new NativeSocket(fd);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public void send(ByteBuffer frame, Path passFileOf) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            int passFd = -1;
            if (passFileOf != null) {
                passFd = (int) OPEN.invokeExact(st, a.allocateFrom(passFileOf.toString()), O_RDONLY | O_CLOEXEC);
                if (passFd < 0) throw new IOException("cannot open " + passFileOf + ": " + message(errno(st)));
            }
            try {
                MemorySegment buf = a.allocate(frame.remaining());
                MemorySegment.copy(MemorySegment.ofBuffer(frame), 0, buf, 0, frame.remaining());
                long off = 0, len = buf.byteSize();
                boolean first = true;
                while (off < len) {
                    MemorySegment iov = a.allocate(16, 8);
                    iov.set(ValueLayout.ADDRESS, 0, buf.asSlice(off));
                    iov.set(ValueLayout.JAVA_LONG, 8, len - off);
                    MemorySegment msg = a.allocate(56, 8); // struct msghdr
                    msg.set(ValueLayout.ADDRESS, 16, iov);
                    msg.set(ValueLayout.JAVA_LONG, 24, 1);
                    if (first && passFd >= 0) {
                        MemorySegment cmsg = a.allocate(24, 8); // CMSG_SPACE(sizeof(int))
                        cmsg.set(ValueLayout.JAVA_LONG, 0, 20);  // CMSG_LEN(sizeof(int))
                        cmsg.set(ValueLayout.JAVA_INT, 8, SOL_SOCKET);
                        cmsg.set(ValueLayout.JAVA_INT, 12, SCM_RIGHTS);
                        cmsg.set(ValueLayout.JAVA_INT, 16, passFd);
                        msg.set(ValueLayout.ADDRESS, 32, cmsg);
                        msg.set(ValueLayout.JAVA_LONG, 40, 24);
                    }
                    long n = (long) SENDMSG.invokeExact(st, fd, msg, MSG_NOSIGNAL);
                    if (n < 0) {
                        if (errno(st) == EINTR) continue;
                        throw error("sendmsg", st);
                    }
                    off += n;
                    first = false;
                }
            } finally {
                if (passFd >= 0) {
                    int ignored = (int) CLOSE.invokeExact(passFd); // the helper has its own copy now
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public void readFully(ByteBuffer b) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CALL_STATE);
            MemorySegment buf = a.allocate(Math.max(1, b.remaining()));
            while (b.hasRemaining()) {
                if (closed.get()) throw new IOException("closed");
                long n = (long) READ.invokeExact(st, fd, buf, (long) b.remaining());
                if (n < 0 && errno(st) == EINTR) continue;
                if (n < 0) throw error("read", st);
                if (n == 0) throw new IOException("the helper closed the connection");
                b.put(buf.asSlice(0, n).asByteBuffer());
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public String untrustedServer() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cred = a.allocate(12, 4); // struct ucred { pid, uid, gid }
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 12);
            int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_PEERCRED, cred, len);
            if (rc < 0) return null;
            int uid = cred.get(ValueLayout.JAVA_INT, 4);
            int me = (int) GETUID.invokeExact();
            return uid == 0 || uid == me ? null : "uid " + Integer.toUnsignedString(uid);
        } catch (Throwable t) {
            return null;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            int r1 = (int) SHUTDOWN.invokeExact(fd, SHUT_RDWR); // wakes a thread blocked in read
            int r2 = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // closing
        }
    }

    private static int errno(MemorySegment st) {
        return (int) ERRNO.get(st, 0L);
    }

    private static IOException error(String call, MemorySegment st) {
        return new IOException(call + ": " + message(errno(st)));
    }

    private static String message(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }
}
