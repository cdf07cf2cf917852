package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.e2b.E2bPoller;
import dev.sandtable.e2b.SandboxListDiff;
import dev.sandtable.model.Inventory;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An OpenSandbox lifecycle server: sandboxes, snapshots and pools over its REST API. The server has no watch, so the
 * live view polls the three lists (every page) and diffs them ({@link E2bPoller}, {@link SandboxListDiff}).
 * Pause, resume, snapshot and create are asynchronous on the server (202): the answer is the accepted state and
 * the poll that follows at once shows the transitions.
 */
public final class OpenSandboxBackend implements Backend {
    /** Lifetime given to created and restored sandboxes (the server's {@code timeout}, seconds ≥ 60). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    /** The server requires resource limits outside pool mode; these are the spec's own example values. */
    static final Map<String, String> DEFAULT_LIMITS = Map.of("cpu", "500m", "memory", "512Mi");
    /** What a sandbox made from an image runs when nothing else is said (the server's default for restores). */
    static final List<String> DEFAULT_ENTRYPOINT = List.of("tail", "-f", "/dev/null");
    static final String DEFAULT_IMAGE = "ubuntu:22.04";
    /** How often the polling fallback of a directory watch lists the directory: its resolution. */
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(1);

    private final OpenSandboxConfig config;
    private final HttpClient http;
    private final OpenSandboxApi api;
    private final Clock clock;
    private final BackendInfo info;
    private final Isolation isolation;
    private final Set<E2bPoller> pollers = ConcurrentHashMap.newKeySet();
    /** Sandbox id → pool it was claimed from (the API does not say; a claim made here knows). */
    private final Map<String, String> claimedFrom = new ConcurrentHashMap<>();
    private volatile Map<String, Sandbox> lastKnown = Map.of();
    private volatile Map<String, Snapshot> lastSnapshots = Map.of();
    private volatile String poolsUnsupported;
    private volatile Duration watchInterval = DEFAULT_WATCH_INTERVAL;

    public OpenSandboxBackend(OpenSandboxConfig config) {
        this(config, Clock.systemUTC());
    }

    public OpenSandboxBackend(OpenSandboxConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.api = new OpenSandboxApi(http, config);
        this.isolation = OpenSandboxMapping.isolation(config.apiUrl().toString());
        String host = config.apiUrl().getHost() == null ? config.apiUrl().toString() : config.apiUrl().getHost();
        this.info = new BackendInfo("opensandbox:" + config.apiUrl(), "OpenSandbox (" + host + ")", BackendKind.OPENSANDBOX,
                config.apiUrl().toString());
    }

    public static OpenSandboxBackend fromEnvironment() {
        return new OpenSandboxBackend(OpenSandboxConfig.fromEnvironment(System.getenv()));
    }

    public OpenSandboxConfig config() {
        return config;
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Capabilities capabilities() {
        Capabilities c = Capabilities.all()
                .without(Operation.TEMPLATE_CREATE, "OpenSandbox has no templates: restore the snapshot into a new sandbox instead")
                .without(Operation.TEMPLATE_DELETE, "OpenSandbox has no templates")
                .without(Operation.LOGS, "OpenSandbox's diagnostics logs are not in its API specification; not implemented yet");
        String why = poolsUnsupported;
        if (why != null)
            for (Operation op : List.of(Operation.POOL_CREATE, Operation.POOL_RESIZE, Operation.POOL_DELETE, Operation.POOL_CLAIM, Operation.POOL_RELEASE))
                c = c.without(op, why);
        return c;
    }

    // ---- live view

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        E2bPoller p = new E2bPoller(this::inventory, "opensandbox-poll", listener, config.pollInterval(), clock, pollers::remove);
        pollers.add(p);
        p.start();
        return p;
    }

    /** One full list: every page of sandboxes and snapshots, and the pools (none where the server has no pools). */
    public CompletableFuture<Inventory> inventory() {
        CompletableFuture<List<JsonNode>> sandboxes = api.listAll("/sandboxes", "", "listing sandboxes");
        CompletableFuture<List<JsonNode>> snapshots = optional(api.listAll("/snapshots", "", "listing snapshots"), null);
        CompletableFuture<List<JsonNode>> pools = optional(api.call("GET", "/pools", null, "listing pools").thenApply(r -> {
            poolsUnsupported = null;
            JsonNode items = r.body() == null ? null : r.body().get("items");
            return items == null ? List.<JsonNode>of() : toList(items);
        }), why -> poolsUnsupported = "this OpenSandbox server has no pools (they need its Kubernetes runtime): " + why);
        return CompletableFuture.allOf(sandboxes, snapshots, pools).thenApply(v -> {
            List<Sandbox> s = sandboxes.join().stream().map(n -> OpenSandboxMapping.sandbox(n, isolation, claimedFrom.get(n.path("id").asText()))).toList();
            Map<String, Sandbox> byId = SandboxListDiff.byId(s);
            List<Snapshot> snaps = snapshots.join().stream().map(n -> OpenSandboxMapping.snapshot(n, byId)).toList();
            lastKnown = byId;
            Map<String, Snapshot> sm = new java.util.LinkedHashMap<>();
            for (Snapshot x : snaps) sm.put(x.id(), x);
            lastSnapshots = sm;
            return new Inventory(s, pools.join().stream().map(OpenSandboxMapping::pool).toList(), snaps, List.of());
        });
    }

    /** A list the server may lack (404 or 501 for the route): an empty list instead of a failed inventory. */
    private static CompletableFuture<List<JsonNode>> optional(CompletableFuture<List<JsonNode>> f, Consumer<String> onMissing) {
        return f.exceptionally(e -> {
            SandtableException se = SandtableException.of(e);
            if (se.code() != ErrorCode.UNSUPPORTED && se.code() != ErrorCode.NOT_FOUND) throw new CompletionException(se);
            if (onMissing != null) onMissing.accept(se.getMessage());
            return List.of();
        });
    }

    private static List<JsonNode> toList(JsonNode arr) {
        List<JsonNode> out = new java.util.ArrayList<>();
        arr.forEach(out::add);
        return out;
    }

    private void pollSoon() {
        for (E2bPoller p : pollers) p.pollNow();
    }

    // ---- sandboxes

    /** {@code templateId} is the image URI (OpenSandbox has no templates); the name travels as metadata {@code name}. */
    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        ObjectNode body = OpenSandboxApi.object();
        if (request.snapshotId() != null) body.put("snapshotId", resolveSnapshot(request.snapshotId()));
        else {
            body.putObject("image").put("uri", request.templateId() == null ? DEFAULT_IMAGE : request.templateId());
            DEFAULT_ENTRYPOINT.forEach(body.putArray("entrypoint")::add);
        }
        return createWith(body, request.name(), request.metadata(), null, "creating a sandbox");
    }

    private CompletableFuture<Sandbox> createWith(ObjectNode body, String name, Map<String, String> metadata, String pool, String what) {
        body.put("timeout", DEFAULT_TIMEOUT.toSeconds());
        if (pool == null) {
            ObjectNode limits = body.putObject("resourceLimits");
            DEFAULT_LIMITS.forEach(limits::put);
        } else {
            body.putObject("extensions").put(OpenSandboxMapping.POOL_REF, pool);
        }
        ObjectNode meta = body.putObject("metadata");
        metadata.forEach(meta::put);
        if (name != null && !name.isBlank()) meta.put(OpenSandboxMapping.NAME_KEY, name);
        return api.call("POST", "/sandboxes", body, what).thenApply(r -> {
            Sandbox s = OpenSandboxMapping.sandbox(r.body(), isolation, pool);
            if (pool != null) claimedFrom.put(s.id(), pool);
            pollSoon();
            return s;
        });
    }

    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return transition(sandbox, "pause", SandboxState.PAUSING, "Pausing", "pausing ");
    }

    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return transition(sandbox, "resume", SandboxState.RESUMING, "Resuming", "resuming ");
    }

    private CompletableFuture<Sandbox> transition(String sandbox, String verb, SandboxState accepted, String raw, String what) {
        String id = resolve(sandbox);
        return api.call("POST", "/sandboxes/" + OpenSandboxApi.enc(id) + "/" + verb, null, what + sandbox).thenApply(r -> {
            pollSoon();
            Sandbox s = lastKnown.get(id);
            Instant now = clock.instant();
            return s == null ? new Sandbox(id, id, null, null, null, accepted, raw, null, now, now, null, isolation, null, Map.of())
                    : s.withState(accepted, raw, null, now);
        });
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        String id = resolve(sandbox);
        return api.call("DELETE", "/sandboxes/" + OpenSandboxApi.enc(id), null, "deleting " + sandbox).thenApply(r -> {
            claimedFrom.remove(id);
            pollSoon();
            return null;
        });
    }

    /** Renews the expiry to now + {@code timeout} ({@code renew-expiration} takes an absolute time, later than the current one). */
    @Override
    public CompletableFuture<Void> setTimeout(String sandbox, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero())
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, "the new lifetime must be positive"));
        String id = resolve(sandbox);
        Instant at = clock.instant().plus(timeout).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ObjectNode body = OpenSandboxApi.object().put("expiresAt", at.toString());
        return api.call("POST", "/sandboxes/" + OpenSandboxApi.enc(id) + "/renew-expiration", body, "renewing " + sandbox)
                .thenApply(r -> {
                    pollSoon();
                    return null;
                });
    }

    /** Ids pass through; a name (metadata {@code name}) is looked up in the last list. */
    String resolve(String ref) {
        if (lastKnown.containsKey(ref)) return ref;
        for (Sandbox s : lastKnown.values()) if (s.name().equals(ref)) return s.id();
        return ref;
    }

    private String resolveSnapshot(String ref) {
        if (lastSnapshots.containsKey(ref)) return ref;
        for (Snapshot s : lastSnapshots.values()) if (s.name().equals(ref)) return s.id();
        return ref;
    }

    // ---- snapshots

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        String id = resolve(sandbox);
        ObjectNode body = OpenSandboxApi.object();
        if (snapshotName != null && !snapshotName.isBlank()) body.put("name", snapshotName);
        return api.call("POST", "/sandboxes/" + OpenSandboxApi.enc(id) + "/snapshots", body, "snapshotting " + sandbox)
                .thenApply(r -> {
                    pollSoon();
                    return OpenSandboxMapping.snapshot(r.body(), lastKnown);
                });
    }

    /** {@code POST /sandboxes {snapshotId}}: every restore is a new sandbox. */
    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        ObjectNode body = OpenSandboxApi.object().put("snapshotId", resolveSnapshot(snapshot));
        return createWith(body, sandboxName, Map.of(), null, "restoring snapshot " + snapshot);
    }

    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        return api.call("DELETE", "/snapshots/" + OpenSandboxApi.enc(resolveSnapshot(snapshot)), null, "deleting snapshot " + snapshot)
                .thenApply(r -> {
                    pollSoon();
                    return null;
                });
    }

    // ---- pools (the server's /pools; Kubernetes runtime only)

    /** The pool's members run {@code templateId} as an image (default ubuntu:22.04) in one container. */
    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        if (spec.minIdle() < 0 || spec.maxSize() < 1 || spec.minIdle() > spec.maxSize())
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT,
                    "a pool needs 0 ≤ idle ≤ size and a size of at least 1, not idle " + spec.minIdle() + " and size " + spec.maxSize()));
        ObjectNode body = OpenSandboxApi.object().put("name", spec.name());
        ObjectNode container = body.putObject("template").putObject("spec").putArray("containers").addObject();
        container.put("name", "sandbox").put("image", spec.templateId() == null ? DEFAULT_IMAGE : spec.templateId());
        DEFAULT_ENTRYPOINT.forEach(container.putArray("command")::add);
        body.set("capacitySpec", capacity(spec.minIdle(), spec.maxSize()));
        return api.call("POST", "/pools", body, "creating pool " + spec.name()).thenApply(r -> {
            pollSoon();
            return OpenSandboxMapping.pool(r.body());
        });
    }

    /** Only the capacity of a pool can change ({@code PUT /pools/{name} {capacitySpec}}). */
    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        if (minIdle < 0 || maxSize < 0 || minIdle > maxSize)
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT,
                    "a pool needs 0 ≤ idle ≤ size, not idle " + minIdle + " and size " + maxSize));
        ObjectNode body = OpenSandboxApi.object();
        body.set("capacitySpec", capacity(minIdle, maxSize));
        return api.call("PUT", "/pools/" + OpenSandboxApi.enc(pool), body, "resizing pool " + pool).thenApply(r -> {
            pollSoon();
            return OpenSandboxMapping.pool(r.body());
        });
    }

    /** Sandtable's idle target is the buffer (bufferMin..bufferMax = idle..size) and its size the pool's maximum. */
    private static ObjectNode capacity(int minIdle, int maxSize) {
        return OpenSandboxApi.object().put("bufferMin", minIdle).put("bufferMax", maxSize).put("poolMin", 0).put("poolMax", maxSize);
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return api.call("DELETE", "/pools/" + OpenSandboxApi.enc(pool), null, "deleting pool " + pool).thenApply(r -> {
            pollSoon();
            return null;
        });
    }

    /** A sandbox from the pool ({@code POST /sandboxes} with {@code extensions.poolRef}); the claim's id is the sandbox id. */
    @Override
    public CompletableFuture<Claim> claim(String pool) {
        long t0 = System.nanoTime();
        return createWith(OpenSandboxApi.object(), null, Map.of(), pool, "claiming from pool " + pool)
                .thenApply(s -> new Claim(s.id(), pool, s, true, Duration.ofNanos(System.nanoTime() - t0)));
    }

    /** Releasing deletes the sandbox; the pool's recycle strategy decides what happens to its pod. */
    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return destroy(claimId);
    }

    // ---- execd

    /**
     * A PTY over execd's {@code /pty} WebSocket (see {@link ExecdPtyTerminalSession}); the line-mode terminal over its
     * bash sessions ({@link ExecdTerminalSession}) where execd has no PTY routes.
     */
    @Override
    public CompletableFuture<dev.sandtable.spi.TerminalSession> openTerminal(String sandbox, dev.sandtable.spi.TerminalRequest request) {
        return execd(resolve(sandbox)).thenCompose(c -> ExecdPtyTerminalSession.start(c, request));
    }

    /** execd has no directory watch: the polling fallback, its interval shown as the resolution. */
    @Override
    public CompletableFuture<dev.sandtable.spi.DirectoryWatch> watchDir(String sandbox, dev.sandtable.spi.WatchRequest request,
                                                                       dev.sandtable.spi.WatchListener listener) {
        return execd(resolve(sandbox)).thenCompose(c -> ExecdDirectoryWatch.start(c, request, listener, watchInterval, clock));
    }

    /** Test knob: the polling interval of directory watches. */
    void watchInterval(Duration interval) {
        this.watchInterval = interval;
    }

    /**
     * The sandbox's execd: {@code GET /sandboxes/{id}/endpoints/44772} gives its address (often without a scheme:
     * the API's own is used) and the headers every call must carry.
     */
    public CompletableFuture<ExecdClient> execd(String sandboxId) {
        return api.call("GET", "/sandboxes/" + OpenSandboxApi.enc(sandboxId) + "/endpoints/" + ExecdClient.PORT, null,
                "finding the execd endpoint of " + sandboxId).thenApply(r -> {
            String endpoint = r.body() == null ? null : OpenSandboxMapping.text(r.body(), "endpoint");
            if (endpoint == null) throw new CompletionException(new SandtableException(ErrorCode.INTERNAL,
                    config.apiUrl() + " gave no execd endpoint for " + sandboxId));
            if (!endpoint.contains("://")) endpoint = config.apiUrl().getScheme() + "://" + endpoint;
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            r.body().path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
            return new ExecdClient(http, java.net.URI.create(endpoint), headers);
        });
    }

    @Override
    public void close() {
        for (E2bPoller p : List.copyOf(pollers)) p.close();
        http.shutdownNow();
    }
}
