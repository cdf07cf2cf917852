package dev.sandtable.service;

import com.sun.net.httpserver.HttpServer;
import dev.sandtable.e2b.server.E2bServer;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The per-user Sandtable service: one {@link Backend} behind a loopback HTTP/1.1 + JSON API (docs/service-api.md),
 * shared by the window and every {@code sandtable} command. One per user, enforced by {@link ServiceLock};
 * clients find it through {@code service.json} in the runtime folder.
 */
public final class LocalService implements AutoCloseable {

    /**
     * @param host                where to listen: loopback unless an {@code apiKey} is given explicitly
     * @param port                0 for a random free port
     * @param apiKey              the key clients must send; null to generate one
     * @param keepAlive           interval between keepalive lines on idle event streams
     * @param clientQueueCapacity events queued per event-stream client before it is dropped
     * @param inventoryTimeout    how long GET inventory waits for the backend's Synced
     */
    public record Options(String host, int port, String apiKey, Duration keepAlive, int clientQueueCapacity,
                          Duration inventoryTimeout) {
        public static Options defaults() {
            return new Options("127.0.0.1", 0, null, Duration.ofSeconds(15), 10_000, Duration.ofSeconds(30));
        }

        public Options withHost(String h) {
            return new Options(h, port, apiKey, keepAlive, clientQueueCapacity, inventoryTimeout);
        }

        public Options withPort(int p) {
            return new Options(host, p, apiKey, keepAlive, clientQueueCapacity, inventoryTimeout);
        }

        public Options withApiKey(String k) {
            return new Options(host, port, k, keepAlive, clientQueueCapacity, inventoryTimeout);
        }

        public Options withKeepAlive(Duration d) {
            return new Options(host, port, apiKey, d, clientQueueCapacity, inventoryTimeout);
        }

        public Options withClientQueueCapacity(int c) {
            return new Options(host, port, apiKey, keepAlive, c, inventoryTimeout);
        }
    }

    private final RuntimePaths paths;
    private final Backend backend;
    private final ServiceLock lock;
    private final HttpServer server;
    private final ExecutorService executor;
    private final EventStreams events;
    private final ServiceInfo info;
    /** E2B's control plane and envd on the same port; null unless the backend is the local runtime. */
    private final E2bServer e2b;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private LocalService(RuntimePaths paths, Backend backend, ServiceLock lock, HttpServer server, ExecutorService executor,
                         Options options) {
        this.paths = paths;
        this.backend = backend;
        this.lock = lock;
        this.server = server;
        this.executor = executor;
        this.events = new EventStreams(backend, options.keepAlive(), options.clientQueueCapacity());
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        this.info = new ServiceInfo(ProcessHandle.current().pid(), "http://" + host + ":" + address.getPort(),
                options.apiKey() != null ? options.apiKey() : ApiKeys.generate(), SandtableVersion.get(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String key = info.apiKey();
        this.e2b = backend instanceof LocalRuntime runtime ? new E2bServer(runtime, given -> ApiKeys.matches(key, given)) : null;
    }

    /**
     * Takes the per-user lock, creates the backend (only once the lock is held, so two runtimes never share one
     * folder), listens, and publishes service.json. The backend belongs to the service from then on: stopping the
     * service closes it.
     *
     * @throws SandtableException ALREADY_EXISTS when a service already runs on these paths, INVALID_ARGUMENT for a
     *                            non-loopback address without an explicit key, UNAVAILABLE when it cannot listen
     */
    public static LocalService start(RuntimePaths paths, Options options, Supplier<? extends Backend> backendFactory) {
        InetAddress address = checkedAddress(options);
        // without TCP_NODELAY, a response written in two segments waits for the client's delayed ACK (~40 ms)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
        ServiceLock lock;
        try {
            lock = ServiceLock.tryAcquire(paths).orElseThrow(() -> alreadyRunning(paths));
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.UNAVAILABLE, "cannot lock " + ServiceFiles.lockFile(paths) + ": " + e.getMessage(), e);
        }
        Backend backend = null;
        HttpServer server = null;
        ExecutorService executor = null;
        try {
            backend = backendFactory.get();
            server = HttpServer.create(new InetSocketAddress(address, options.port()), 64);
            executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sandtable-http-", 0).factory());
            server.setExecutor(executor);
            LocalService service = new LocalService(paths, backend, lock, server, executor, options);
            server.createContext("/", new ApiRoutes(service, backend, service.events, service.e2b, options.inventoryTimeout()));
            server.start();
            ServiceFiles.write(paths, service.info);
            log("Sandtable service " + service.info.version() + " (pid " + service.info.pid() + ") listening on "
                    + service.info.url() + ", backend " + backend.info().displayName());
            return service;
        } catch (IOException | RuntimeException e) {
            if (server != null) server.stop(0);
            if (executor != null) executor.shutdownNow();
            if (backend != null) backend.close();
            lock.close();
            if (e instanceof SandtableException se) throw se;
            String what = e instanceof BindException
                    ? "cannot listen on " + address.getHostAddress() + ":" + options.port() + ": " + e.getMessage()
                    : "cannot start the Sandtable service: " + e.getMessage();
            throw new SandtableException(ErrorCode.UNAVAILABLE, what, e);
        }
    }

    /** Convenience for tests: serves an existing backend with default options on loopback. */
    public static LocalService start(RuntimePaths paths, Backend backend) {
        return start(paths, Options.defaults(), () -> backend);
    }

    public ServiceInfo info() {
        return info;
    }

    public RuntimePaths paths() {
        return paths;
    }

    public Backend backend() {
        return backend;
    }

    /** The E2B-compatible server mounted on this service, if the backend is the local runtime. */
    public Optional<E2bServer> e2b() {
        return Optional.ofNullable(e2b);
    }

    /** Event-stream clients connected right now. */
    public int eventClients() {
        return events.clientCount();
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /**
     * Stops listening, ends the event streams, removes service.json, closes the backend (the local runtime stops its
     * sandboxes) and releases the lock. Safe to call twice and from a shutdown hook.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            log("stopping the Sandtable service");
            ServiceFiles.removeIfOwned(paths, info);
            events.closeAll();
            server.stop(0);
            executor.shutdownNow();
            if (e2b != null) e2b.close();
            try {
                backend.close();
            } catch (RuntimeException e) {
                log("closing the backend failed: " + e);
            }
        } finally {
            lock.close();
            stopped.countDown();
            log("stopped");
        }
    }

    /** Stops on another thread, after the current response went out (POST /shutdown). */
    void stopSoon() {
        Thread.ofPlatform().name("sandtable-shutdown").start(this::stop);
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitQuietly() {
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InetAddress checkedAddress(Options options) {
        InetAddress address;
        try {
            address = InetAddress.getByName(options.host());
        } catch (UnknownHostException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "unknown address to listen on: " + options.host());
        }
        if (!address.isLoopbackAddress() && options.apiKey() == null)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "refusing to listen on " + options.host()
                    + ": the service listens on loopback only, unless an API key is given explicitly");
        return address;
    }

    private static SandtableException alreadyRunning(RuntimePaths paths) {
        Optional<ServiceInfo> running = ServiceFiles.read(paths);
        String where = running.map(i -> " (pid " + i.pid() + ", " + i.url() + ")").orElse("");
        return new SandtableException(ErrorCode.ALREADY_EXISTS,
                "a Sandtable service is already running for " + paths.runtime() + where);
    }

    static void log(String message) {
        System.out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + message);
        System.out.flush();
    }
}
