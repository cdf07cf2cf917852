package dev.sandtable.app.devices;

import dev.sandtable.helper.AttachRequest;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.BenchRequest;
import dev.sandtable.helper.BenchResult;
import dev.sandtable.helper.HelperCapabilities;
import dev.sandtable.helper.HelperClient;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the Devices view needs of one connection to the native helper: {@link HelperClient} in the app, a scripted
 * fake in the view-model tests. Failures complete the futures with a {@code SandtableException}.
 */
public interface HelperSession extends AutoCloseable {
    CompletableFuture<HelperCapabilities> capabilities();

    CompletableFuture<List<AttachedDevice>> list();

    CompletableFuture<AttachedDevice> attach(AttachRequest request);

    CompletableFuture<AttachedDevice> detach(int deviceId);

    CompletableFuture<BenchResult> bench(BenchRequest request);

    @Override
    void close();

    /** Opens a session on a socket; the app never starts the (root) helper itself. */
    @FunctionalInterface
    interface Connector {
        CompletableFuture<HelperSession> connect(Path socket);

        static Connector real() {
            return socket -> HelperClient.connectAsync(socket).thenApply(HelperSession::of);
        }
    }

    static HelperSession of(HelperClient c) {
        return new HelperSession() {
            @Override
            public CompletableFuture<HelperCapabilities> capabilities() {
                return c.capabilities();
            }

            @Override
            public CompletableFuture<List<AttachedDevice>> list() {
                return c.list();
            }

            @Override
            public CompletableFuture<AttachedDevice> attach(AttachRequest request) {
                return c.attach(request);
            }

            @Override
            public CompletableFuture<AttachedDevice> detach(int deviceId) {
                return c.detach(deviceId);
            }

            @Override
            public CompletableFuture<BenchResult> bench(BenchRequest request) {
                return c.bench(request);
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }
}
