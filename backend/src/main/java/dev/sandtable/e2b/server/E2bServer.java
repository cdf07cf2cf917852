package dev.sandtable.e2b.server;

import com.sun.net.httpserver.HttpExchange;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * An E2B-compatible server on the local runtime, mounted on the Sandtable service's HTTP server: E2B's REST control
 * plane (X-API-Key) and, per sandbox, envd (X-Access-Token), routed by header, host or path prefix. See docs/e2b-server.md.
 */
public final class E2bServer implements AutoCloseable {
    /** The domain reported to SDKs; with E2B_SANDBOX_URL set they never use it to build URLs. */
    public static final String DOMAIN = "localhost";
    public static final String API_KEY_HEADER = "X-API-Key";

    private final LocalRuntime runtime;
    private final Predicate<String> apiKeyCheck;
    private final ScheduledExecutorService timers;
    private final E2bSandboxes sandboxes;
    private final ControlPlane controlPlane;
    private final Subscription removals;
    private final java.util.concurrent.atomic.AtomicInteger activeEnvdCalls = new java.util.concurrent.atomic.AtomicInteger();

    /** @param apiKeyCheck whether a given X-API-Key value (possibly null) is the service's key */
    public E2bServer(LocalRuntime runtime, Predicate<String> apiKeyCheck) {
        this.runtime = runtime;
        this.apiKeyCheck = apiKeyCheck;
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("e2b-timers").daemon().factory());
        this.sandboxes = new E2bSandboxes(runtime, timers);
        this.controlPlane = new ControlPlane(runtime, sandboxes, DOMAIN);
        // a sandbox destroyed elsewhere (window, CLI, crash) takes its envd processes and timer with it
        this.removals = runtime.watch(e -> {
            if (e instanceof BackendEvent.Removed r && r.kind() == ResourceKind.SANDBOX) sandboxes.forget(r.key());
        });
    }

    /** Serves the request if it is an E2B one (control plane or envd) and returns true; false leaves it to the caller. */
    public boolean handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        SandboxRoute route = SandboxRoute.of(path, ex.getRequestHeaders().getFirst(SandboxRoute.ID_HEADER),
                ex.getRequestHeaders().getFirst(SandboxRoute.PORT_HEADER), ex.getRequestHeaders().getFirst("Host"));
        if (route != null) {
            envd(ex, method, route);
            return true;
        }
        if (!ControlPlane.isControlPlane(path)) return false;
        String key = ex.getRequestHeaders().getFirst(API_KEY_HEADER);
        if (!apiKeyCheck.test(key)) {
            ControlPlane.sendError(ex, 401, key == null ? "the request has no X-API-Key header" : "invalid API key");
            return true;
        }
        controlPlane.handle(ex, method, path);
        return true;
    }

    private void envd(HttpExchange ex, String method, SandboxRoute route) throws IOException {
        if (route.port() != Envd.PORT) {
            Envd.plainError(ex, 502, "only envd (port " + Envd.PORT + ") is served; port " + route.port() + " is not");
            return;
        }
        Optional<Sandbox> found = sandboxes.find(route.sandboxId());
        if (found.isEmpty() || !ControlPlane.visible(found.get())) {
            Envd.plainError(ex, 502, "sandbox " + route.sandboxId() + " not found");
            return;
        }
        Sandbox sb = found.get();
        if (sb.state() != SandboxState.RUNNING) {
            Envd.plainError(ex, 502, "sandbox " + route.sandboxId() + " is " + sb.state().label().toLowerCase()
                    + "; connect to it to resume it");
            return;
        }
        SandboxView view;
        try {
            view = SandboxView.of(runtime, sb.id());
        } catch (SandtableException e) {
            Envd.plainError(ex, 502, e.getMessage());
            return;
        }
        activeEnvdCalls.incrementAndGet();
        try {
            new Envd(sandboxes.of(sb), view).handle(ex, method, route.path());
        } finally {
            activeEnvdCalls.decrementAndGet();
        }
    }

    /** How many envd requests are being served right now (streams included): a leak shows as a count that stays up. */
    public int activeEnvdCalls() {
        return activeEnvdCalls.get();
    }

    /** Kills the processes envd started and stops the timers (the runtime stops the sandboxes themselves). */
    @Override
    public void close() {
        removals.close();
        sandboxes.closeAll();
        timers.shutdownNow();
    }
}
