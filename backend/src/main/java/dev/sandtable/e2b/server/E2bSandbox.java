package dev.sandtable.e2b.server;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * What the E2B layer adds to one local sandbox: its E2B id (the local id without '-', since E2B ids are
 * {@code [a-z0-9]+}), the template id the client asked for, the envd access token, and the timeout.
 */
final class E2bSandbox {
    final String localId;
    final String e2bId;
    final String templateId;
    /** Required as X-Access-Token by envd; null only for sandboxes created with {@code secure: false}. */
    final String accessToken;
    final EnvdProcesses processes;
    /** Polling watches of the Python SDK (CreateWatcher / GetWatcherEvents / RemoveWatcher), by watcher id. */
    final java.util.Map<String, DirWatch> watchers = new java.util.concurrent.ConcurrentHashMap<>();
    volatile Instant endAt;
    volatile boolean autoPause;
    ScheduledFuture<?> expiry;

    E2bSandbox(String localId, String templateId, String accessToken, EnvdProcesses processes) {
        this.localId = localId;
        this.e2bId = e2bId(localId);
        this.templateId = templateId;
        this.accessToken = accessToken;
        this.processes = processes;
    }

    void closeWatchers() {
        watchers.values().forEach(DirWatch::close);
        watchers.clear();
    }

    static String e2bId(String localId) {
        return localId.replace("-", "");
    }
}
