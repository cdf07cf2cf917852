package dev.sandtable.e2b.server;

import dev.sandtable.local.LocalRuntime;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The E2B view of the local runtime's sandboxes, by local id. Sandboxes made elsewhere (the window, the CLI) get an
 * entry, with a fresh access token, when E2B first touches them. Expiry timers kill (or, with autoPause, pause) a
 * sandbox when its timeout passes.
 */
final class E2bSandboxes {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LocalRuntime runtime;
    private final ScheduledExecutorService timers;
    private final Map<String, E2bSandbox> byLocalId = new ConcurrentHashMap<>();

    E2bSandboxes(LocalRuntime runtime, ScheduledExecutorService timers) {
        this.runtime = runtime;
        this.timers = timers;
    }

    E2bSandbox register(String localId, String templateId, boolean secure) {
        E2bSandbox s = new E2bSandbox(localId, templateId, secure ? newToken() : null, new EnvdProcesses(runtime, timers));
        byLocalId.put(localId, s);
        return s;
    }

    /** The local sandbox an E2B id (or a local id or name) refers to. */
    Optional<Sandbox> find(String ref) {
        var sandboxes = runtime.inventory().sandboxes();
        for (Sandbox s : sandboxes)
            if (E2bSandbox.e2bId(s.id()).equals(ref) || s.id().equals(ref)) return Optional.of(s);
        return sandboxes.stream().filter(s -> s.name().equals(ref)).findFirst();
    }

    E2bSandbox of(Sandbox s) {
        return byLocalId.computeIfAbsent(s.id(), id -> new E2bSandbox(id, s.templateId() != null ? s.templateId() : "host-shell",
                newToken(), new EnvdProcesses(runtime, timers)));
    }

    /** The new timeout counts from now; a running timer is replaced. */
    synchronized void setTimeout(E2bSandbox s, Duration timeout) {
        if (s.expiry != null) s.expiry.cancel(false);
        s.endAt = Instant.now().plus(timeout);
        s.expiry = timers.schedule(() -> expire(s), Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Paused sandboxes do not expire. */
    synchronized void stopTimer(E2bSandbox s) {
        if (s.expiry != null) s.expiry.cancel(false);
        s.expiry = null;
    }

    private void expire(E2bSandbox s) {
        Optional<Sandbox> sb = find(s.localId);
        if (sb.isEmpty()) {
            forget(s.localId);
            return;
        }
        if (s.autoPause && sb.get().state() == SandboxState.RUNNING) {
            stopTimer(s);
            runtime.pause(s.localId);
        } else {
            destroy(s);
        }
    }

    void destroy(E2bSandbox s) {
        stopTimer(s);
        s.processes.killAll();
        runtime.destroy(s.localId).whenComplete((v, err) -> forget(s.localId));
    }

    void forget(String localId) {
        E2bSandbox s = byLocalId.remove(localId);
        if (s != null) {
            stopTimer(s);
            s.processes.killAll();
            s.closeWatchers();
        }
    }

    void closeAll() {
        for (E2bSandbox s : byLocalId.values()) {
            stopTimer(s);
            s.processes.killAll();
            s.closeWatchers();
        }
    }

    private static String newToken() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
