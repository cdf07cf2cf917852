package dev.sandtable.opensandbox;

import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenSandbox backend against the specification-driven test server: every request and answer is checked. */
class OpenSandboxBackendTest {
    static final String KEY = "os-test-key";
    OpenSandboxTestServer server;
    OpenSandboxBackend backend;
    LiveView view;
    Subscription sub;

    @BeforeEach
    void start() {
        server = new OpenSandboxTestServer(KEY);
        backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofMillis(50)));
        view = new LiveView();
    }

    @AfterEach
    void stop() {
        if (sub != null) sub.close();
        backend.close();
        server.close();
        assertEquals(List.of(), server.violations(), "requests and answers must conform to the OpenSandbox specification");
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    static SandtableException failure(CompletableFuture<?> f) {
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return SandtableException.of(e);
    }

    @Test
    void liveViewReadsEveryPageAndShowsSeededSandboxes() throws Exception {
        for (int i = 0; i < 230; i++) server.seedSandbox("seed-" + i, i % 2 == 0 ? "Running" : "Paused");
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        assertEquals(230, (int) view.read(v -> v.sandboxes.size()));
        assertTrue(server.requests().stream().anyMatch(r -> r.startsWith("GET /sandboxes?page=3&pageSize=100")), server.requests().toString());
        var s = view.read(v -> v.sandboxes.values().stream().filter(x -> x.name().equals("seed-1")).findFirst().orElseThrow());
        assertEquals(SandboxState.PAUSED, s.state());
        assertEquals("Paused", s.rawState());
        assertEquals(SourceKind.IMAGE, s.sourceKind());
        assertEquals("python:3.11", s.sourceRef());
        assertNotNull(s.expiresAt());
        // CONNECTED follows the Synced event: wait for it rather than read it at once
        view.await("connected", v -> v.connection == ConnectionState.CONNECTED);
    }

    @Test
    void lifecycleGoesThroughTheServersAsynchronousStatesIncludingAllocated() throws Exception {
        server.allocatedStep = true;
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        var created = get(backend.create(CreateSandboxRequest.fromTemplate("web", "python:3.11")));
        assertEquals(SandboxState.PENDING, created.state());
        assertEquals("web", created.name());
        String id = created.id();
        view.await("Allocated", v -> v.sandboxes.containsKey(id) && "Allocated".equals(v.sandboxes.get(id).rawState()));
        assertEquals(SandboxState.STARTING, view.read(v -> v.sandboxes.get(id).state()));
        view.await("Running", v -> v.sandboxes.get(id).state() == SandboxState.RUNNING);

        assertEquals(SandboxState.PAUSING, get(backend.pause("web")).state());
        view.await("Paused", v -> v.sandboxes.get(id).state() == SandboxState.PAUSED);
        assertEquals(ErrorCode.INVALID_STATE, failure(backend.pause(id)).code(), "pausing a paused sandbox is a conflict");
        get(backend.resume(id));
        view.await("Running again", v -> v.sandboxes.get(id).state() == SandboxState.RUNNING);

        Instant before = view.read(v -> v.sandboxes.get(id).expiresAt());
        get(backend.setTimeout(id, Duration.ofHours(3)));
        view.await("the renewed expiry", v -> v.sandboxes.get(id).expiresAt().isAfter(before.plus(Duration.ofMinutes(90))));

        get(backend.destroy(id));
        view.await("the sandbox gone", v -> !v.sandboxes.containsKey(id));
        boolean stopping = view.read(v -> v.events.stream().anyMatch(e -> e instanceof BackendEvent.Lifecycle l
                && l.event().to() == SandboxState.STOPPING));
        assertTrue(stopping, "the timeline shows Stopping");
        assertEquals(ErrorCode.NOT_FOUND, failure(backend.destroy("no-such")).code());
    }

    @Test
    void snapshotsAreCreatedRestoredIntoNewSandboxesAndDeleted() throws Exception {
        String src = server.seedSandbox("src", "Running");
        String paused = server.seedSandbox("sleepy", "Paused");
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        var snap = get(backend.snapshot("src", "before-import"));
        assertEquals(SnapshotState.CREATING, snap.state());
        assertEquals(SnapshotKind.OCI_IMAGE, snap.kind());
        view.await("the snapshot ready", v -> v.snapshots.containsKey(snap.id()) && v.snapshots.get(snap.id()).state() == SnapshotState.READY);
        var listed = view.read(v -> v.snapshots.get(snap.id()));
        assertEquals("before-import", listed.name());
        assertEquals(src, listed.sourceSandboxId());
        assertEquals("src", listed.sourceSandboxName());

        var a = get(backend.restore("before-import", "copy-a"));
        var b = get(backend.restore(snap.id(), "copy-b"));
        view.await("both restores running", v -> v.sandboxes.containsKey(a.id()) && v.sandboxes.containsKey(b.id())
                && v.sandboxes.get(a.id()).state() == SandboxState.RUNNING && v.sandboxes.get(b.id()).state() == SandboxState.RUNNING);
        var restored = view.read(v -> v.sandboxes.get(a.id()));
        assertEquals(SourceKind.SNAPSHOT, restored.sourceKind());
        assertEquals(snap.id(), restored.sourceRef());
        assertEquals("copy-a", restored.name());

        var bad = failure(backend.snapshot(paused, null));
        assertEquals(ErrorCode.INVALID_STATE, bad.code());
        assertTrue(bad.getMessage().contains("SNAPSHOT::INVALID_SOURCE_STATE"), bad.getMessage());

        get(backend.deleteSnapshot(snap.id()));
        view.await("the snapshot gone", v -> !v.snapshots.containsKey(snap.id()));
    }

    @Test
    void poolsAreCreatedResizedClaimedFromAndDeleted() throws Exception {
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        assertTrue(backend.capabilities().supports(Operation.POOL_CREATE));
        var p = get(backend.createPool(new PoolSpec("warm", "python:3.11", 2, 5)));
        assertEquals(2, p.minIdle());
        assertEquals(5, p.maxSize());
        view.await("the pool listed", v -> v.pools.containsKey("warm") && v.pools.get("warm").idle() == 2);

        var claim = get(backend.claim("warm"));
        assertEquals("warm", claim.pool());
        view.await("the claim allocated", v -> v.pools.get("warm").inUse() == 1 && v.sandboxes.containsKey(claim.id()));
        var member = view.read(v -> v.sandboxes.get(claim.id()));
        assertEquals(SourceKind.POOL, member.sourceKind());
        assertEquals("warm", member.poolName());

        get(backend.resizePool("warm", 1, 8));
        view.await("the new capacity", v -> v.pools.get("warm").maxSize() == 8 && v.pools.get("warm").minIdle() == 1);
        assertEquals(ErrorCode.INVALID_ARGUMENT, failure(backend.resizePool("warm", 5, 2)).code());

        get(backend.release(claim.id(), ReleaseMode.PUT));
        view.await("the claim released", v -> v.pools.get("warm").inUse() == 0 && !v.sandboxes.containsKey(claim.id()));
        assertEquals(ErrorCode.INVALID_STATE, failure(backend.createPool(new PoolSpec("warm", null, 0, 1))).code(), "a second pool of the same name is a conflict");
        get(backend.deletePool("warm"));
        view.await("the pool gone", v -> !v.pools.containsKey("warm"));
    }

    @Test
    void aServerWithoutPoolsStillListsAndSaysWhy() throws Exception {
        server.poolsSupported = false;
        server.seedSandbox("only", "Running");
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        assertEquals(1, (int) view.read(v -> v.sandboxes.size()));
        var why = backend.capabilities().whyNot(Operation.POOL_CREATE);
        assertTrue(why.isPresent() && why.get().contains("KUBERNETES::POOL_NOT_SUPPORTED"), why.toString());
        assertEquals(ErrorCode.UNSUPPORTED, failure(backend.createPool(new PoolSpec("p", null, 0, 1))).code());
    }

    @Test
    void aWrongKeyIsReportedAsDisconnectedNamingTheKey() throws Exception {
        backend.close();
        backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), "wrong", Duration.ofMillis(50)));
        sub = backend.watch(view);
        view.await("disconnected", v -> v.connection == ConnectionState.DISCONNECTED);
        String msg = view.read(v -> v.connectionMessage);
        assertTrue(msg.contains("API key"), msg);
        assertEquals(0, (int) view.read(v -> v.syncs));
        assertFalse(server.requests().isEmpty());
    }

    @Test
    void anUnreachableServerIsAClearError() {
        var b = new OpenSandboxBackend(new OpenSandboxConfig(java.net.URI.create("http://127.0.0.1:1/v1"), KEY));
        try {
            var e = failure(b.inventory());
            assertEquals(ErrorCode.UNAVAILABLE, e.code());
            assertTrue(e.getMessage().contains("cannot reach the OpenSandbox server"), e.getMessage());
        } finally {
            b.close();
        }
    }

    @Test
    void statesMapOntoTheUnifiedModelIncludingAllocated() {
        assertEquals(SandboxState.PENDING, OpenSandboxMapping.state("Pending"));
        assertEquals(SandboxState.STARTING, OpenSandboxMapping.state("Allocated"));
        assertEquals(SandboxState.RUNNING, OpenSandboxMapping.state("Running"));
        assertEquals(SandboxState.PAUSING, OpenSandboxMapping.state("Pausing"));
        assertEquals(SandboxState.PAUSED, OpenSandboxMapping.state("Paused"));
        assertEquals(SandboxState.RESUMING, OpenSandboxMapping.state("Resuming"));
        assertEquals(SandboxState.STOPPING, OpenSandboxMapping.state("Stopping"));
        assertEquals(SandboxState.TERMINATED, OpenSandboxMapping.state("Terminated"));
        assertEquals(SandboxState.FAILED, OpenSandboxMapping.state("Failed"));
        assertEquals(SandboxState.UNKNOWN, OpenSandboxMapping.state("Hibernating"), "new values may appear (the spec says so)");
        assertEquals(SnapshotState.DELETING, OpenSandboxMapping.snapshotState("Deleting"));
    }

    @Test
    void everyStateTheSpecificationListsHasAMapping() {
        var spec = dev.sandtable.testing.OpenApiSpec.shared("opensandbox/sandbox-lifecycle.yml");
        for (String component : List.of("SandboxState", "SnapshotState")) {
            var m = java.util.regex.Pattern.compile("(?m)^\\s*- (\\w+):").matcher(spec.schema(component).path("description").asText());
            int n = 0;
            while (m.find()) {
                n++;
                if (component.equals("SandboxState"))
                    assertFalse(OpenSandboxMapping.state(m.group(1)) == SandboxState.UNKNOWN, m.group(1) + " has no mapping");
                else assertEquals(m.group(1).toUpperCase(), OpenSandboxMapping.snapshotState(m.group(1)).name());
            }
            assertTrue(n >= 4, component + ": the spec's list of states was not found");
        }
    }

    @Test
    void aTerminalRunsLinesInOneExecdBashSessionThatKeepsItsState() throws Exception {
        server.ptySupported = false; // the line-mode fallback (the PTY terminal: ExecdPtyTest)
        String id = server.seedSandbox("shell", "Running");
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        var t = get(backend.openTerminal("shell", dev.sandtable.spi.TerminalRequest.shell(80, 24)));
        StringBuilder seen = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = t.output().read(buf)) > 0; ) synchronized (seen) {
                    seen.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                    seen.notifyAll();
                }
            } catch (java.io.IOException ignored) {
            }
        });
        get(t.write("cd /tmp && export X=41\r".getBytes()));
        get(t.write("echo \"v=$((X+1)) in $PWD\"\r".getBytes()));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (seen) {
            while (!seen.toString().contains("v=42 in /tmp") && System.nanoTime() < end) seen.wait(200);
            assertTrue(seen.toString().contains("v=42 in /tmp\r\n"), "the second line sees the first's state: " + seen);
            assertTrue(seen.toString().contains("echo \"v=$((X+1)) in $PWD\""), "typed keys are echoed");
        }
        get(t.write("exit\r".getBytes()));
        assertEquals(0, (int) get(t.exit()));
        reader.join(10_000);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // the session is deleted in the background
        while (server.requests().stream().noneMatch(r -> r.equals("DELETE execd /session/" + t.id())) && System.nanoTime() < until) Thread.sleep(20);
        assertTrue(server.requests().stream().anyMatch(r -> r.equals("DELETE execd /session/" + t.id())), server.requests().toString());
        assertTrue(server.requests().stream().anyMatch(r -> r.startsWith("GET /sandboxes/" + id + "/endpoints/44772")));
    }

    @Test
    void aDirectoryWatchPollsExecdAndSaysItsResolution(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        server.seedSandbox("files", "Running");
        sub = backend.watch(view);
        view.await("the first sync", v -> v.syncs == 1);
        backend.watchInterval(Duration.ofMillis(100));
        var events = new java.util.concurrent.LinkedBlockingQueue<dev.sandtable.spi.FsEvent>();
        var states = new java.util.concurrent.CopyOnWriteArrayList<dev.sandtable.spi.WatchState>();
        var w = get(backend.watchDir("files", new dev.sandtable.spi.WatchRequest(dir.toString(), true), new dev.sandtable.spi.WatchListener() {
            @Override
            public void onEvent(dev.sandtable.spi.FsEvent e) {
                events.add(e);
            }

            @Override
            public void onState(dev.sandtable.spi.WatchState s) {
                states.add(s);
            }
        }));
        var started = states.stream().filter(s -> s instanceof dev.sandtable.spi.WatchState.Started).findFirst().orElseThrow();
        assertTrue(((dev.sandtable.spi.WatchState.Started) started).mechanism().startsWith("polling every 100 ms"), "the polling interval is the resolution");
        java.nio.file.Files.createDirectories(dir.resolve("sub"));
        java.nio.file.Files.writeString(dir.resolve("sub/a.txt"), "one");
        assertEvent(events, dev.sandtable.spi.FsEvent.FsEventType.CREATE, "sub/a.txt");
        java.nio.file.Files.writeString(dir.resolve("sub/a.txt"), "one and two");
        assertEvent(events, dev.sandtable.spi.FsEvent.FsEventType.WRITE, "sub/a.txt");
        java.nio.file.Files.delete(dir.resolve("sub/a.txt"));
        assertEvent(events, dev.sandtable.spi.FsEvent.FsEventType.REMOVE, "sub/a.txt");
        w.close();
        assertFalse(w.isOpen());
        List<dev.sandtable.spi.WatchState> missingStates = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertEquals(ErrorCode.NOT_FOUND, failure(backend.watchDir("files", new dev.sandtable.spi.WatchRequest(dir.resolve("missing").toString(), false),
                new dev.sandtable.spi.WatchListener() {
                    @Override
                    public void onEvent(dev.sandtable.spi.FsEvent event) {
                    }

                    @Override
                    public void onState(dev.sandtable.spi.WatchState state) {
                        missingStates.add(state);
                    }
                })).code());
        // told before the future failed, as every watch does
        assertTrue(missingStates.getLast() instanceof dev.sandtable.spi.WatchState.Ended ended && ended.error() != null, "ended: " + missingStates);
    }

    private static void assertEvent(java.util.concurrent.BlockingQueue<dev.sandtable.spi.FsEvent> q, dev.sandtable.spi.FsEvent.FsEventType type,
                                    String path) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<dev.sandtable.spi.FsEvent> seen = new java.util.ArrayList<>();
        while (System.nanoTime() < end) {
            var e = q.poll(200, TimeUnit.MILLISECONDS);
            if (e == null) continue;
            seen.add(e);
            if (e.type() == type && e.path().equals(path)) return;
        }
        throw new AssertionError("no " + type + " " + path + " among " + seen);
    }

    @Test
    void execdCommandOutputStreamsAsServerSentEvents() throws Exception {
        String id = server.seedSandbox("cmd", "Running");
        var execd = get(backend.execd(id));
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        get(execd.runCommand("echo first; echo second", e -> { // execd's pings (at init, then every 3 s) race the output
            if (!e.path("type").asText().equals("ping")) events.add(e.path("type").asText() + ":" + e.path("text").asText().trim());
        }));
        assertEquals("init", events.getFirst().split(":")[0]);
        assertEquals(List.of("stdout:first", "stdout:second"), events.subList(1, 3));
        assertEquals("execution_complete:", events.getLast());
    }
}
