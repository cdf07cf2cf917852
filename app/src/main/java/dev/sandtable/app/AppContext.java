package dev.sandtable.app;

import dev.sandtable.spi.Backend;

import java.util.List;
import java.util.function.Supplier;

/**
 * The seam between the window and its backends. The window asks {@link #backends()} once at start-up; tests (and
 * the benchmark) call {@link #use} before launching it. Without that, {@link BackendFactory} decides.
 */
public final class AppContext {
    private static volatile Supplier<List<Backend>> backends = BackendFactory::fromSystemProperties;

    private AppContext() {
    }

    public static List<Backend> backends() {
        return backends.get();
    }

    /** Makes the next window use these backends (tests: a SyntheticBackend, or a LocalRuntime on a @TempDir). */
    public static void use(List<Backend> list) {
        List<Backend> copy = List.copyOf(list);
        backends = () -> copy;
    }

    /** Back to the production choice. */
    public static void reset() {
        backends = BackendFactory::fromSystemProperties;
    }
}
