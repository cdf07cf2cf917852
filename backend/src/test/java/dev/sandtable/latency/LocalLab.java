package dev.sandtable.latency;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** A Sandtable service on a local runtime (no isolation) in a temporary folder: what ./sandtable serve runs. */
public final class LocalLab implements AutoCloseable {
    static final LocalRuntimeOptions NONE = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
            .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));

    public final LocalService service;
    public final LocalRuntime runtime;

    public LocalLab(Path dir) {
        this(dir, NONE);
    }

    public LocalLab(Path dir, LocalRuntimeOptions options) {
        RuntimePaths paths = RuntimePaths.under(dir);
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        runtime = (LocalRuntime) service.backend();
    }

    public String url() {
        return service.info().url();
    }

    public String key() {
        return service.info().apiKey();
    }

    /** The service's control plane, envd at {@code envdUrl} (the service itself or a proxy in front of it). */
    public E2bConfig config(String envdUrl) {
        return new E2bConfig(URI.create(url()), key(), "localhost", E2bConfig.Routing.SANDBOX_URL, URI.create(envdUrl), null, null);
    }

    public ProbeTarget direct() {
        return ProbeTarget.envd("direct", config(url()));
    }

    @Override
    public void close() {
        service.stop();
    }
}
