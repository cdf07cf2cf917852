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
 *   <li>{@code kubernetes}: only the kubeconfig's contexts</li>
 *   <li>{@code opensandbox}: an OpenSandbox server named by OPEN_SANDBOX_API_URL and OPEN_SANDBOX_API_KEY</li>
 *   <li>unset or {@code service}: the Sandtable service for this user, started when it is not running, so the
 *       window and the command line act on the same sandboxes and sandboxes outlive the window</li>
 *   <li>{@code docker}: only the Docker engine the environment names</li>
 * </ul>
 * With {@code service} (the default) the window also shows every Docker engine it finds ({@link #dockerEngines()}).
 * Except with {@code synthetic}, every kubeconfig context is added as a Kubernetes backend ({@link KubernetesContexts}).
 */
public final class BackendFactory {
    private BackendFactory() {
    }

    public static List<Backend> fromSystemProperties() {
        String which = System.getProperty("sandtable.backend", "service").toLowerCase(Locale.ROOT);
        List<Backend> chosen = switch (which) {
            case "synthetic" -> List.of(demoSynthetic(Integer.getInteger("sandtable.synthetic.count", 0)));
            case "local" -> List.of(new LocalRuntime(RuntimePaths.fromEnvironment()));
            case "service" -> withDockerEngines(connectingToService(RuntimePaths.fromEnvironment()));
            case "e2b" -> List.of(dev.sandtable.e2b.E2bBackend.fromEnvironment());
            case "docker" -> List.of(dev.sandtable.docker.DockerBackend.fromEnvironment());
            case "kubernetes" -> List.of();
            case "opensandbox" -> List.of(dev.sandtable.opensandbox.OpenSandboxBackend.fromEnvironment());
            default -> throw new IllegalArgumentException("unknown -Dsandtable.backend=" + which
                    + "; use local, service, e2b, docker, kubernetes, opensandbox or synthetic");
        };
        // Kubernetes: one entry per kubeconfig context beside the chosen backend (none without a kubeconfig)
        if (which.equals("synthetic")) return chosen;
        List<Backend> all = new java.util.ArrayList<>(chosen);
        all.addAll(KubernetesContexts.fromKubeconfig());
        return all;
    }

    // --- Docker engines (docs/docker-backend.md)
    private static List<Backend> withDockerEngines(Backend first) {
        List<Backend> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(dockerEngines());
        return all;
    }

    /**
     * One backend per Docker engine found: DOCKER_HOST, the current Docker context, the default socket when its file
     * exists. Nothing is connected here (each connects on its own thread, and an engine that is down shows why in
     * the sidebar); finding none is not an error. {@code -Dsandtable.docker=off} leaves them out.
     */
    public static List<Backend> dockerEngines() {
        if ("off".equalsIgnoreCase(System.getProperty("sandtable.docker", "auto"))) return List.of();
        return dev.sandtable.docker.DockerHost.candidates(System.getenv(), java.nio.file.Path.of(System.getProperty("user.home")))
                .stream().<Backend>map(dev.sandtable.docker.DockerBackend::new).toList();
    }
    // ---

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
        return demoSynthetic(extra, java.time.Clock.systemUTC());
    }

    /** The demo inventory, its times told by {@code clock}. */
    public static SyntheticBackend demoSynthetic(int extra, java.time.Clock clock) {
        SyntheticBackend b = new SyntheticBackend("local", "Local (synthetic)", clock);
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
