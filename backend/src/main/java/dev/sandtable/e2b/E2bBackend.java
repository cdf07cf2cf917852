package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.e2b.client.ConnectClient;
import dev.sandtable.model.Inventory;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Any E2B-compatible platform (E2B cloud, self-hosted E2B, CubeSandbox, Sandtable's own E2B server): sandboxes from
 * the REST control plane, terminals and directory watches over each sandbox's envd (Connect protocol).
 * E2B has no watch, so the live view polls {@code GET /v2/sandboxes} and diffs the lists.
 */
public final class E2bBackend implements Backend {
    /** Sandbox lifetime given to created and resumed sandboxes (E2B's own default). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    /** How many log entries one logs call asks for (the most E2B's v2 endpoint gives). */
    static final int LOG_ENTRIES = 1000;

    private final E2bConfig config;
    private final HttpClient http;
    private final E2bApi api;
    private final Clock clock;
    private final BackendInfo info;
    private final Isolation isolation;
    private final Map<String, EnvdInfo> envd = new ConcurrentHashMap<>();
    private final Set<E2bPoller> pollers = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Sandbox> lastKnown = Map.of();
    private volatile E2bTerminalSession.Tuning terminalTuning = E2bTerminalSession.Tuning.defaults();
    private volatile int watchKeepaliveSeconds = 30;

    public E2bBackend(E2bConfig config) {
        this(config, Clock.systemUTC());
    }

    public E2bBackend(E2bConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.http = config.httpClient();
        this.api = new E2bApi(http, config);
        this.isolation = E2bMapping.isolation(config.apiUrl().toString());
        String host = config.apiUrl().getHost() == null ? config.apiUrl().toString() : config.apiUrl().getHost();
        this.info = new BackendInfo("e2b:" + config.apiUrl(), "E2B (" + host + ")", BackendKind.E2B, config.apiUrl().toString());
    }

    /** The platform named by E2B_API_URL, E2B_API_KEY, E2B_DOMAIN and E2B_SANDBOX_URL. */
    public static E2bBackend fromEnvironment() {
        return new E2bBackend(E2bConfig.fromEnvironment(System.getenv()));
    }

    public E2bConfig config() {
        return config;
    }

    /** Test and benchmark knobs: keepalive interval, silence limit and reattach budget of terminals and watches. */
    void tune(E2bTerminalSession.Tuning terminals, int watchKeepaliveSeconds) {
        this.terminalTuning = terminals;
        this.watchKeepaliveSeconds = watchKeepaliveSeconds;
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Capabilities capabilities() {
        String pools = "E2B-compatible platforms have no warm pools";
        String snaps = "snapshots of E2B sandboxes are not supported by Sandtable yet";
        return Capabilities.all()
                .without(Operation.SNAPSHOT, snaps).without(Operation.RESTORE, snaps).without(Operation.DELETE_SNAPSHOT, snaps)
                .without(Operation.POOL_CREATE, pools).without(Operation.POOL_RESIZE, pools).without(Operation.POOL_DELETE, pools)
                .without(Operation.POOL_CLAIM, pools).without(Operation.POOL_RELEASE, pools)
                .without(Operation.TEMPLATE_CREATE, "E2B templates are built with the E2B CLI, not from snapshots")
                .without(Operation.TEMPLATE_DELETE, "delete E2B templates with the E2B CLI");
    }

    // ---- live view

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        E2bPoller p = new E2bPoller(this::inventory, "e2b-poll", listener, config.pollInterval(), clock, pollers::remove);
        pollers.add(p);
        p.start();
        return p;
    }

    /** One full list: sandboxes (running and paused) and templates. */
    CompletableFuture<Inventory> inventory() {
        CompletableFuture<List<Template>> templates = api.listTemplates()
                .thenApply(l -> l.stream().map(E2bMapping::template).toList())
                .exceptionally(e -> List.of());
        return api.listSandboxes().thenCombine(templates, (list, tpl) -> {
            List<Sandbox> sandboxes = list.stream().map(n -> E2bMapping.sandbox(n, isolation)).toList();
            lastKnown = SandboxListDiff.byId(sandboxes);
            return new Inventory(sandboxes, List.of(), List.of(), tpl);
        });
    }

    private void pollSoon() {
        for (E2bPoller p : pollers) p.pollNow();
    }

    // ---- lifecycle

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        if (request.snapshotId() != null) return unsupported("restoring snapshots");
        Map<String, String> meta = new LinkedHashMap<>(request.metadata());
        if (request.name() != null) meta.put(E2bMapping.NAME_KEY, request.name());
        ObjectNode body = E2bApi.object().put("templateID", request.templateId() == null ? "base" : request.templateId())
                .put("timeout", DEFAULT_TIMEOUT.toSeconds());
        if (!meta.isEmpty()) {
            ObjectNode m = body.putObject("metadata");
            meta.forEach(m::put);
        }
        Instant now = clock.instant();
        return api.callFirst("POST", List.of("/v2/sandboxes", "/sandboxes"), body, "creating a sandbox").thenApply(r -> {
            EnvdInfo e = EnvdInfo.of(r.body());
            envd.put(e.sandboxId(), e);
            pollSoon();
            return E2bMapping.created(r.body(), request.name(), meta, now, now.plus(DEFAULT_TIMEOUT), isolation);
        });
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        String id = resolve(sandbox);
        return api.call("POST", "/sandboxes/" + E2bApi.enc(id) + "/pause", E2bApi.object(), "pausing " + sandbox)
                .thenApply(r -> {
                    pollSoon();
                    Sandbox s = lastKnown.get(id);
                    return s == null ? placeholder(id, SandboxState.PAUSED) : s.withState(SandboxState.PAUSED, "paused", null, clock.instant());
                });
    }

    /** Resumes a paused sandbox (or extends a running one) through the connect endpoint, as the SDK does. */
    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        String id = resolve(sandbox);
        String p = E2bApi.enc(id);
        ObjectNode body = E2bApi.object().put("timeout", DEFAULT_TIMEOUT.toSeconds());
        return api.callFirst("POST", List.of("/v2/sandboxes/" + p + "/connect", "/sandboxes/" + p + "/connect", "/sandboxes/" + p + "/resume"),
                body, "resuming " + sandbox).thenApply(r -> {
            if (r.body() != null && r.body().has("sandboxID")) envd.put(id, EnvdInfo.of(r.body()));
            pollSoon();
            Sandbox s = lastKnown.get(id);
            return s == null ? placeholder(id, SandboxState.RUNNING) : s.withState(SandboxState.RUNNING, "running", null, clock.instant());
        });
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        String id = resolve(sandbox);
        return api.call("DELETE", "/sandboxes/" + E2bApi.enc(id), null, "destroying " + sandbox).thenApply(r -> {
            envd.remove(id);
            pollSoon();
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> setTimeout(String sandbox, Duration timeout) {
        if (timeout.isNegative() || timeout.toSeconds() > Integer.MAX_VALUE)
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, "timeout must be between 0 and "
                    + Integer.MAX_VALUE + " seconds"));
        String id = resolve(sandbox);
        ObjectNode body = E2bApi.object().put("timeout", Math.max(1, timeout.toSeconds()));
        return api.call("POST", "/sandboxes/" + E2bApi.enc(id) + "/timeout", body, "setting the timeout of " + sandbox)
                .thenApply(r -> {
                    pollSoon();
                    return null;
                });
    }

    /** The sandbox's log from {@code GET /v2/sandboxes/{id}/logs} (newest 1000 entries), else the v1 endpoint. */
    @Override
    public CompletableFuture<String> logs(String sandbox, int maxBytes) {
        if (maxBytes < 0) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT,
                "maxBytes must not be negative"));
        String p = E2bApi.enc(resolve(sandbox));
        return api.callFirst("GET", List.of("/v2/sandboxes/" + p + "/logs?direction=backward&limit=" + LOG_ENTRIES,
                        "/sandboxes/" + p + "/logs?limit=" + LOG_ENTRIES), null, "fetching the logs of " + sandbox)
                .thenApply(r -> E2bLogText.text(r.body(), maxBytes));
    }

    private Sandbox placeholder(String id, SandboxState state) {
        Instant now = clock.instant();
        return new Sandbox(id, id, null, null, null, state, null, null, now, now, null, isolation, null, Map.of());
    }

    /** Ids pass through; a Sandtable name given at creation is looked up in the last list. */
    String resolve(String ref) {
        if (lastKnown.containsKey(ref)) return ref;
        for (Sandbox s : lastKnown.values()) if (s.name().equals(ref)) return s.id();
        return ref;
    }

    // ---- envd

    @Override
    public CompletableFuture<TerminalSession> openTerminal(String sandbox, TerminalRequest request) {
        return envdClient(resolve(sandbox)).thenCompose(c -> E2bTerminalSession.start(c, request, terminalTuning));
    }

    @Override
    public CompletableFuture<DirectoryWatch> watchDir(String sandbox, WatchRequest request, WatchListener listener) {
        return envdClient(resolve(sandbox)).thenCompose(c -> E2bDirectoryWatch.start(c, request, listener, watchKeepaliveSeconds, clock));
    }

    /** A Connect client for the sandbox's envd; its access token and domain come from the API when not known yet. */
    public CompletableFuture<ConnectClient> envdClient(String id) {
        EnvdInfo known = envd.get(id);
        CompletableFuture<EnvdInfo> infoF = known != null ? CompletableFuture.completedFuture(known)
                : api.call("GET", "/sandboxes/" + E2bApi.enc(id), null, "looking up sandbox " + id).thenApply(r -> {
                    EnvdInfo e = EnvdInfo.of(r.body());
                    envd.put(id, e);
                    return e;
                });
        return infoF.thenApply(e -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("E2b-Sandbox-Id", id);
            headers.put("E2b-Sandbox-Port", Integer.toString(E2bConfig.ENVD_PORT));
            if (e.accessToken() != null) headers.put("X-Access-Token", e.accessToken());
            String user = config.user() != null ? config.user() : e.needsExplicitUser() ? "user" : null;
            if (user != null)
                headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8)));
            return new ConnectClient(http, config.envdUrl(id, e.domain()), headers, "envd of sandbox " + id);
        });
    }

    // ---- what E2B lacks

    private <T> CompletableFuture<T> unsupported(String what) {
        return CompletableFuture.failedFuture(SandtableException.unsupported(info.displayName(), what));
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return unsupported("snapshots");
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return unsupported("restoring snapshots");
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return unsupported("snapshots");
    }

    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        return unsupported("warm pools");
    }

    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        return unsupported("warm pools");
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return unsupported("warm pools");
    }

    @Override
    public CompletableFuture<Claim> claim(String pool) {
        return unsupported("warm pools");
    }

    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return unsupported("warm pools");
    }

    @Override
    public void close() {
        for (E2bPoller p : List.copyOf(pollers)) p.close();
        http.shutdownNow(); // close() would wait for open terminal and watch streams

    }

    static JsonNode orEmpty(JsonNode n) {
        return n == null ? E2bApi.object() : n;
    }
}
