package dev.sandtable.app;

import dev.sandtable.app.remote.RemoteBackendStore;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.Backend;

import java.util.List;
import java.util.function.Supplier;

/**
 * The seam between the window and its backends. The window asks {@link #backends()} once at start-up; tests (and
 * the benchmark) call {@link #use} before launching it. Without that, {@link BackendFactory} decides.
 */
public final class AppContext {
    private static volatile Supplier<List<Backend>> backends = BackendFactory::fromSystemProperties;
    private static volatile Supplier<RemoteBackendStore> remoteStore = AppContext::savedRemotes;
    private static volatile java.time.Clock clock = java.time.Clock.systemUTC();

    private AppContext() {
    }

    public static List<Backend> backends() {
        return backends.get();
    }

    /** Where the window keeps the backends the user added (a 0600 file under the data folder). */
    public static RemoteBackendStore remoteStore() {
        return remoteStore.get();
    }

    private static RemoteBackendStore savedRemotes() {
        return RemoteBackendStore.file(RuntimePaths.fromEnvironment().data().resolve("remote-backends.json"));
    }

    /**
     * Makes the next window use these backends (tests: a SyntheticBackend, or a LocalRuntime on a @TempDir); added
     * backends are then kept in memory only, so tests never read or write the user's saved list.
     */
    public static void use(List<Backend> list) {
        List<Backend> copy = List.copyOf(list);
        backends = () -> copy;
        RemoteBackendStore memory = RemoteBackendStore.inMemory();
        remoteStore = () -> memory;
    }

    /** The window's clock: "3 s ago" is measured against it (the system's, unless {@link #useClock} set another). */
    public static java.time.Clock clock() {
        return clock;
    }

    /** Makes the next window tell time by {@code c} (the documentation's screenshots stop it, so they repeat exactly). */
    public static void useClock(java.time.Clock c) {
        clock = c;
    }

    /** Back to the production choice. */
    public static void reset() {
        backends = BackendFactory::fromSystemProperties;
        remoteStore = AppContext::savedRemotes;
        clock = java.time.Clock.systemUTC();
    }
}
