package dev.sandtable.e2b;

import dev.sandtable.local.FreezerMode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Sandtable's own service (local runtime in a temp folder, E2B routes on) and an E2bBackend pointed at it. */
final class LocalE2bServer implements AutoCloseable {
    final LocalService service;
    final LocalRuntime runtime;
    final E2bBackend backend;

    LocalE2bServer(Path dir) {
        RuntimePaths paths = RuntimePaths.under(dir);
        LocalRuntimeOptions options = LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)
                .withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(300));
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> new LocalRuntime(paths, options));
        runtime = (LocalRuntime) service.backend();
        URI url = URI.create(service.info().url());
        backend = new E2bBackend(new E2bConfig(url, service.info().apiKey(), "localhost", E2bConfig.Routing.SANDBOX_URL, url,
                Duration.ofMillis(100), null));
    }

    /** The host folder that is the sandbox's home, for writing files the watch should see. */
    Path workspace(String e2bId) {
        String local = runtime.inventory().sandboxes().stream().filter(s -> s.id().replace("-", "").equals(e2bId))
                .findFirst().orElseThrow().id();
        return runtime.workspace(local);
    }

    @Override
    public void close() {
        backend.close();
        service.stop();
    }
}
