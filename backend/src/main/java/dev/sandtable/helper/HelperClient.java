package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection to the native-helper. Every operation runs on a virtual thread and returns a future, so a UI can
 * call it from its event thread; requests on one client are answered in order (a long benchmark delays a list on the
 * same client, so a view that polls the device list while benchmarking should use a second client). Errors complete
 * the future with a {@link SandtableException}: UNAVAILABLE when the helper cannot be reached, and otherwise the
 * helper's own message. Thread-safe.
 */
public final class HelperClient implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "helper-client-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Path socket;
    private final Transport transport;
    private final ReentrantLock lock = new ReentrantLock();
    private int nextRequest = 1;
    private int protocol;
    private String server;
    private volatile boolean closed;

    private HelperClient(Path socket, Transport transport) {
        this.socket = socket;
        this.transport = transport;
    }

    /** {@code $XDG_RUNTIME_DIR/sandtable/helper.sock}, else the system unit's {@code /run/sandtable/helper.sock}. */
    public static Path defaultSocket() {
        String env = System.getenv("SANDTABLE_HELPER_SOCKET");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            Path user = Path.of(xdg, "sandtable", "helper.sock");
            if (Files.exists(user) || !Files.exists(Path.of("/run/sandtable/helper.sock"))) return user;
        }
        return Path.of("/run/sandtable/helper.sock");
    }

    /** Connects and says hello; blocks briefly. Fails with UNAVAILABLE when no helper listens there. */
    public static HelperClient connect(Path socket) {
        return connect(socket, false);
    }

    /**
     * The JDK's Unix channel, or with {@code native_} a libc socket that can pass descriptors (used for one attach
     * that passes an image's descriptor, on a connection of its own).
     */
    private static HelperClient connect(Path socket, boolean native_) {
        Transport t;
        try {
            if (native_ && !NativeSocket.available())
                throw new SandtableException(ErrorCode.UNSUPPORTED, "passing an image's descriptor needs native access"
                        + " (java --enable-native-access=ALL-UNNAMED); or let the helper open the path (--by-path)");
            t = native_ ? NativeSocket.connect(socket) : new ChannelTransport(socket);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the native helper is not running at " + socket
                    + " (" + e.getMessage() + "); start it as root: native-helper/build/sandtable-helper --socket " + socket
                    + ", or enable the sandtable-helper.socket systemd unit", e);
        }
        HelperClient c = new HelperClient(socket, t);
        try {
            checkServer(socket, t.untrustedServer());
            Fields f = c.call(Wire.OP_HELLO, new Fields.Writer().u16(Wire.T_PROTO_MIN, Wire.VERSION)
                    .u16(Wire.T_PROTO_MAX, Wire.VERSION).string(Wire.T_CLIENT, "sandtable-java"), null, CALL_TIMEOUT);
            c.protocol = (int) f.number(Wire.T_PROTO, 0);
            c.server = f.string(Wire.T_SERVER);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * The socket must be served by root (the real helper) or by this same user (a helper started for development
     * without root): anyone else could be impersonating the helper to collect what clients send it.
     */
    private static void checkServer(Path socket, String untrustedServer) {
        if (untrustedServer != null)
            throw new SandtableException(ErrorCode.UNAUTHORIZED, "refusing the helper socket " + socket + ": it is served by "
                    + untrustedServer + ", neither root nor you");
    }

    public static CompletableFuture<HelperClient> connectAsync(Path socket) {
        return CompletableFuture.supplyAsync(() -> connect(socket), CALLS);
    }

    public Path socket() {
        return socket;
    }

    public int protocolVersion() {
        return protocol;
    }

    public String serverVersion() {
        return server;
    }

    public CompletableFuture<HelperCapabilities> capabilities() {
        return async(() -> {
            Fields f = call(Wire.OP_CAPS, new Fields.Writer(), null, CALL_TIMEOUT);
            int caps = (int) f.number(Wire.T_CAPS, 0);
            String dirs = f.string(Wire.T_PATH);
            return new HelperCapabilities((int) f.number(Wire.T_PROTO, 0), f.string(Wire.T_SERVER), f.string(Wire.T_KERNEL),
                    (caps & Wire.CAP_IO_URING) != 0, (caps & Wire.CAP_URING_CMD) != 0, (caps & Wire.CAP_UBLK) != 0,
                    (caps & Wire.CAP_LOOP) != 0, (caps & Wire.CAP_ROOT) != 0, (caps & Wire.CAP_OPENAT2) != 0,
                    f.number(Wire.T_UBLK_FEATURES, 0), dirs == null ? List.of() : Arrays.asList(dirs.split(":")));
        });
    }

    public CompletableFuture<AttachedDevice> attach(AttachRequest r) {
        return async(() -> {
            Fields.Writer w = new Fields.Writer()
                    .u8(Wire.T_BACKEND, r.backend().ordinal())
                    .u8(Wire.T_MODE, r.mode() == AttachMode.COPY_ON_WRITE ? 1 : 0)
                    .u8(Wire.T_DIRECT, r.directIo() ? 1 : 0)
                    .u16(Wire.T_QUEUES, r.queues())
                    .u16(Wire.T_DEPTH, r.queueDepth());
            Path image = r.image().toAbsolutePath().normalize();
            if (r.passDescriptor()) { // the JDK's channels cannot carry a descriptor: a libc connection for this one request
                w.string(Wire.T_IMAGE, image.toString());
                try (HelperClient side = connect(socket, true)) {
                    return AttachedDevice.of(side.call(Wire.OP_ATTACH, w, image, CALL_TIMEOUT));
                }
            }
            w.string(Wire.T_PATH, image.toString());
            return AttachedDevice.of(call(Wire.OP_ATTACH, w, null, CALL_TIMEOUT));
        });
    }

    public CompletableFuture<AttachedDevice> detach(int deviceId) {
        return async(() -> AttachedDevice.of(call(Wire.OP_DETACH, new Fields.Writer().u32(Wire.T_DEVICE_ID, deviceId), null,
                CALL_TIMEOUT)));
    }

    public CompletableFuture<List<AttachedDevice>> list() {
        return async(() -> {
            List<AttachedDevice> out = new ArrayList<>();
            for (Fields d : call(Wire.OP_LIST, new Fields.Writer(), null, CALL_TIMEOUT).devices()) out.add(AttachedDevice.of(d));
            return List.copyOf(out);
        });
    }

    public CompletableFuture<BenchResult> bench(BenchRequest r) {
        return async(() -> {
            Fields.Writer w = new Fields.Writer();
            switch (r.target()) {
                case BenchRequest.FileTarget(Path p) -> w.string(Wire.T_PATH, p.toAbsolutePath().normalize().toString());
                case BenchRequest.DeviceTarget(int id) -> w.u32(Wire.T_DEVICE_ID, id);
            }
            w.u8(Wire.T_RW, r.write() ? 1 : 0).u8(Wire.T_PATTERN, r.random() ? 1 : 0).u8(Wire.T_DIRECT, r.directIo() ? 1 : 0)
                    .u32(Wire.T_BLOCK_SIZE, r.blockSize()).u16(Wire.T_DEPTH, r.queueDepth())
                    .u32(Wire.T_DURATION_MS, r.duration().toMillis());
            if (r.spanBytes() > 0) w.u64(Wire.T_SIZE, r.spanBytes());
            return BenchResult.of(call(Wire.OP_BENCH, w, null, r.duration().plus(CALL_TIMEOUT)));
        });
    }

    private <T> CompletableFuture<T> async(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, CALLS);
    }

    /** One request and its reply. A reply that does not arrive within the timeout closes the connection. */
    private Fields call(int op, Fields.Writer w, Path passFileOf, Duration timeout) {
        lock.lock();
        try {
            if (closed) throw new SandtableException(ErrorCode.UNAVAILABLE, "the connection to the native helper is closed");
            int id = nextRequest++;
            ByteBuffer payload = w.payload();
            ByteBuffer frame = ByteBuffer.allocate(Wire.HEADER + payload.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            frame.putInt(Wire.MAGIC).putShort((short) op).putShort((short) (passFileOf != null ? Wire.FLAG_FD : 0))
                    .putInt(id).putInt(payload.remaining()).put(payload).flip();
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(this::close, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                transport.send(frame, passFileOf);
                ByteBuffer header = ByteBuffer.allocate(Wire.HEADER).order(ByteOrder.LITTLE_ENDIAN);
                transport.readFully(header);
                header.flip();
                int magic = header.getInt();
                int rop = Short.toUnsignedInt(header.getShort());
                int flags = Short.toUnsignedInt(header.getShort());
                int rid = header.getInt();
                int len = header.getInt();
                if (magic != Wire.MAGIC || len < 0 || len > Wire.MAX_PAYLOAD)
                    throw new SandtableException(ErrorCode.INTERNAL, "the native helper at " + socket + " sent a malformed frame");
                ByteBuffer body = ByteBuffer.allocate(len);
                transport.readFully(body);
                Fields f = Fields.decode(body.flip());
                if ((flags & Wire.FLAG_ERROR) != 0) throw HelperErrors.of(f);
                if (rid != id || rop != op)
                    throw new SandtableException(ErrorCode.INTERNAL, "the native helper answered another request");
                return f;
            } catch (IOException e) {
                close();
                throw new SandtableException(ErrorCode.UNAVAILABLE, closed && watchdog.isDone()
                        ? "the native helper did not answer within " + timeout.toSeconds() + " s"
                        : "lost the connection to the native helper: " + e.getMessage(), e);
            } finally {
                watchdog.cancel(false);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        transport.close();
    }

    /** The socket: the JDK's Unix channel, or, for passing a descriptor, {@link NativeSocket}. */
    interface Transport {
        void send(ByteBuffer frame, Path passFileOf) throws IOException;

        void readFully(ByteBuffer b) throws IOException;

        void close();

        /** Null when the listening process (SO_PEERCRED) is root or this user, else who it is. */
        String untrustedServer();
    }

    static final class ChannelTransport implements Transport {
        private final SocketChannel ch;

        ChannelTransport(Path socket) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        }

        @Override
        public String untrustedServer() {
            try {
                String user = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED).user().getName();
                return user.equals("root") || user.equals("0") || user.equals(System.getProperty("user.name")) ? null : "user " + user;
            } catch (IOException | UnsupportedOperationException e) {
                return null; // not Linux: the socket's directory permissions are the only check
            }
        }

        @Override
        public void send(ByteBuffer frame, Path passFileOf) throws IOException {
            if (passFileOf != null) throw new IllegalStateException("the JDK's Unix channels cannot pass a descriptor");
            while (frame.hasRemaining()) ch.write(frame);
        }

        @Override
        public void readFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) if (ch.read(b) < 0) throw new IOException("the helper closed the connection");
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
