package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import dev.sandtable.spi.SandtableException;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One engine: its host, the negotiated connection (opened on first use, opened again after the engine restarted)
 * and the virtual threads every blocking docker-java call runs on.
 */
final class DockerEngine implements AutoCloseable {
    private final DockerHost host;
    private final String displayName;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile DockerConnection connection;
    private volatile boolean closed;

    DockerEngine(DockerHost host, String displayName) {
        this.host = host;
        this.displayName = displayName;
    }

    DockerHost host() {
        return host;
    }

    String displayName() {
        return displayName;
    }

    /** The connection, opened (and negotiated) now if there is none; fails with UNAVAILABLE / UNAUTHORIZED. */
    synchronized DockerConnection connection() {
        if (closed) throw new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, displayName + " is closed");
        if (connection == null) connection = DockerConnection.open(host, displayName);
        return connection;
    }

    DockerClient client() {
        return connection().client();
    }

    /** Drops the connection so the next call negotiates again (after the engine went away). */
    synchronized void reset() {
        DockerConnection c = connection;
        connection = null;
        if (c != null) c.close();
    }

    /** Runs a blocking call on a virtual thread; failures become user-facing SandtableExceptions. */
    <T> CompletableFuture<T> async(String doing, Callable<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    f.complete(call.call());
                } catch (Throwable e) {
                    f.completeExceptionally(map(e, doing));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            f.completeExceptionally(new SandtableException(dev.sandtable.spi.ErrorCode.UNAVAILABLE, displayName + " is closed"));
        }
        return f;
    }

    /**
     * A failure in words for users. The connection is not dropped here: a closed stream looks like a dead engine,
     * and other calls share the client; the informer reopens it when the engine really went away.
     */
    SandtableException map(Throwable e, String doing) {
        return DockerErrors.map(e, displayName, host, doing);
    }

    ExecutorService executor() {
        return executor;
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        reset();
    }
}
