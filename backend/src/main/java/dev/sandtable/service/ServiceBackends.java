package dev.sandtable.service;

import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.synthetic.SyntheticBackend;

import java.time.Clock;
import java.util.List;

/** The backends a service can run: the embedded local runtime, or in-memory sandboxes for demos and tests. */
public final class ServiceBackends {
    public static final String LOCAL = "local";
    public static final String SYNTHETIC = "synthetic";
    public static final List<String> NAMES = List.of(LOCAL, SYNTHETIC);
    /** The environment variable that picks the backend of a service started on demand. */
    public static final String ENV = "SANDTABLE_BACKEND";

    private ServiceBackends() {
    }

    /** The backend named in SANDTABLE_BACKEND, or the local runtime. */
    public static String defaultName() {
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? LOCAL : env.trim();
    }

    public static Backend create(String name, RuntimePaths paths) {
        return switch (name) {
            case LOCAL -> new LocalRuntime(paths);
            case SYNTHETIC -> new SyntheticBackend("local", "Synthetic (in memory)", Clock.systemUTC());
            default -> throw new SandtableException(ErrorCode.INVALID_ARGUMENT,
                    "unknown backend '" + name + "'; choose one of " + String.join(", ", NAMES));
        };
    }
}
