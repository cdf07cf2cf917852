package dev.sandtable.app;

import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Names;
import dev.sandtable.service.ServiceConnector;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.synthetic.SyntheticBackend;

import java.util.List;
import java.util.Locale;

/**
 * Chooses the window's backends from {@code -Dsandtable.backend}:
 * <ul>
 *   <li>{@code synthetic}: an in-memory backend with some sandboxes, a pool and snapshots (demos, screenshots)</li>
 *   <li>{@code local}: the embedded local runtime, in this JVM, on {@link RuntimePaths#fromEnvironment()}</li>
 *   <li>{@code e2b}: an E2B-compatible platform named by E2B_API_URL, E2B_API_KEY, E2B_DOMAIN and E2B_SANDBOX_URL</li>
 *   <li>{@code opensandbox}: an OpenSandbox server named by OPEN_SANDBOX_API_URL and OPEN_SANDBOX_API_KEY</li>
 *   <li>unset or {@code service}: the Sandtable service for this user, started when it is not running, so the
 *       window and the command line act on the same sandboxes and sandboxes outlive the window</li>
 * </ul>
 */
public final class BackendFactory {
    private BackendFactory() {
    }

    public static List<Backend> fromSystemProperties() {
        String which = System.getProperty("sandtable.backend", "service").toLowerCase(Locale.ROOT);
        return switch (which) {
            case "synthetic" -> List.of(demoSynthetic(Integer.getInteger("sandtable.synthetic.count", 0)));
            case "local" -> List.of(new LocalRuntime(RuntimePaths.fromEnvironment()));
            case "service" -> List.of(connectingToService(RuntimePaths.fromEnvironment()));
            case "e2b" -> List.of(dev.sandtable.e2b.E2bBackend.fromEnvironment());
            case "opensandbox" -> List.of(dev.sandtable.opensandbox.OpenSandboxBackend.fromEnvironment());
            default -> throw new IllegalArgumentException("unknown -Dsandtable.backend=" + which + "; use local, service, e2b, opensandbox or synthetic");
        };
    }

    /**
     * The per-user service, reached (or started) on a background thread: the window opens at once and shows
     * "Connecting…" meanwhile. The service's backend is always called "local", whichever kind it runs.
     */
    static ConnectingBackend connectingToService(RuntimePaths paths) {
        BackendInfo placeholder = new BackendInfo("local", "Local", BackendKind.LOCAL, paths.state().toString());
        return ConnectingBackend.start(placeholder, "starting the Sandtable service", () -> {
            // a running service answers at once; starting one (a second JVM) waits for the window's first frame
            var options = ServiceConnector.Options.defaults();
            return ServiceConnector.connectExisting(paths, options).orElseGet(() -> {
                StartupTrace.awaitFirstFrame(java.time.Duration.ofSeconds(3));
                return ServiceConnector.connectOrStart(paths, options);
            });
        });
    }

    /** A synthetic backend with a small, readable demo inventory, plus {@code extra} generated sandboxes. */
    public static SyntheticBackend demoSynthetic(int extra) {
        SyntheticBackend b = new SyntheticBackend("local", "Local (synthetic)", java.time.Clock.systemUTC());
        for (String n : List.of("web-1", "web-2", "api-gateway", "worker-a", "worker-b", "notebook")) {
            if (Names.isValid(n)) b.create(CreateSandboxRequest.fromTemplate(n, SyntheticBackend.TEMPLATE)).join();
        }
        b.pause("worker-b").join();
        b.pause("notebook").join();
        b.snapshot("web-1", "web-1-base").join();
        b.restore("web-1-base", "web-1-fork").join();
        b.snapshot("web-1-fork", "web-1-fork-tuned").join();
        b.createPool(new PoolSpec("agents", SyntheticBackend.TEMPLATE, 3, 8)).join();
        b.claim("agents").join();
        if (extra > 0) b.populate(extra);
        return b;
    }
}
