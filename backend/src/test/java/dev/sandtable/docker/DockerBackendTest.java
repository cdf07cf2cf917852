package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.sandtable.model.Pool;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Docker backend against a real engine with the imported busybox image: live tables, lifecycle, terminals, watches, snapshots, pools. */
class DockerBackendTest {
    static DockerHost host;
    static DockerClient raw;
    static DockerBackend backend;
    static EventLog events;
    static Subscription subscription;
    static final String RUN = HexFormat.of().formatHex(bytes(3));
    static final List<String> snapshotNames = new ArrayList<>();

    @BeforeAll
    static void engine() {
        host = DockerTestEngine.require();
        raw = DockerTestEngine.rawClient(host);
        DockerTestEngine.ensureImage(raw, host);
        backend = new DockerBackend(host);
        events = new EventLog();
        subscription = backend.watch(events);
        events.await(e -> e instanceof BackendEvent.Synced, "the first Synced");
    }

    @AfterAll
    static void cleanUp() {
        if (backend == null) return;
        subscription.close();
        for (var c : raw.listContainersCmd().withShowAll(true).exec())
            if (DockerMapping.containerName(c.getNames()).startsWith("t" + RUN) || c.getLabels() != null && RUN.equals(c.getLabels().get("test-run")))
                raw.removeContainerCmd(c.getId()).withForce(true).exec();
        for (String s : snapshotNames) {
            try {
                raw.removeImageCmd(DockerLabels.SNAPSHOT_REPOSITORY + s + ":latest").withForce(true).exec();
            } catch (RuntimeException ignored) {
                // deleted by the test
            }
        }
        backend.close();
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static String name(String what) {
        return "t" + RUN + "-" + what;
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw SandtableException.of(e);
        }
    }

    static SandtableException failure(CompletableFuture<?> f) {
        try {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return SandtableException.of(e);
        }
        throw new AssertionError("expected a failure");
    }

    static Sandbox upserted(int from, String id, SandboxState state) {
        return (Sandbox) ((BackendEvent.Upserted) events.await(from, e -> e instanceof BackendEvent.Upserted u && u.resource() instanceof Sandbox s
                && s.id().equals(id) && s.state() == state, Duration.ofSeconds(30), id + " " + state)).resource();
    }

    @Test
    void negotiatesTheEnginesApiVersion() {
        String engineApi = raw.versionCmd().exec().getApiVersion();
        String used = join(backend.apiVersion());
        var expected = DockerConnection.negotiate(engineApi, null, host).getVersion();
        assertThat(used).isEqualTo(expected);
        assertThat(backend.info().id()).isEqualTo("docker:" + host.uri());
    }

    @Test
    void tablesFollowTheEngineIncludingContainersMadeElsewhere() {
        int from = events.size();
        // a container Sandtable did not create, with no labels of ours
        String id = raw.createContainerCmd(DockerTestEngine.IMAGE).withName(name("foreign")).withCmd(DockerLifecycle.KEEP_ALIVE)
                .withLabels(Map.of("test-run", RUN)).exec().getId();
        String shortId = DockerMapping.shortId(id);
        Sandbox created = upserted(from, shortId, SandboxState.PENDING);
        assertThat(created.name()).isEqualTo(name("foreign"));
        assertThat(created.metadata()).doesNotContainKey(DockerLabels.MANAGED);
        raw.startContainerCmd(id).exec();
        upserted(from, shortId, SandboxState.RUNNING);
        raw.pauseContainerCmd(id).exec();
        Sandbox paused = upserted(from, shortId, SandboxState.PAUSED);
        assertThat(paused.rawState()).containsIgnoringCase("paused");
        raw.unpauseContainerCmd(id).exec();
        upserted(from, shortId, SandboxState.RUNNING);
        raw.removeContainerCmd(id).withForce(true).exec();
        events.await(from, e -> e instanceof BackendEvent.Removed r && r.kind() == ResourceKind.SANDBOX && r.key().equals(shortId),
                Duration.ofSeconds(30), "removal of the foreign container");
        events.await(from, e -> e instanceof BackendEvent.Lifecycle l && l.event().resourceKey().equals(shortId) && l.event().action().equals("destroyed"),
                Duration.ofSeconds(5), "a destroyed timeline entry");
        // images are templates
        BackendEvent.Synced first = (BackendEvent.Synced) events.await(e -> e instanceof BackendEvent.Synced, "synced");
        assertThat(first.inventory().templates()).extracting(Template::id).contains(DockerTestEngine.IMAGE);
    }

    @Test
    void lifecycleWithCommandEnvironmentLimitsAndLabels() {
        DockerCreateSpec spec = DockerCreateSpec.of(DockerTestEngine.IMAGE, name("life"))
                .withCommand(List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"))
                .withEnv(Map.of("GREETING", "hello"))
                .withLimits(64L * 1024 * 1024, 500_000_000L)
                .withLabels(Map.of("team", "qa", "test-run", RUN));
        Sandbox s = join(backend.create(spec));
        assertThat(s.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(s.sourceKind()).isEqualTo(SourceKind.IMAGE);
        assertThat(s.metadata()).containsEntry("team", "qa").containsEntry(DockerLabels.MANAGED, "true");
        InspectContainerResponse in = raw.inspectContainerCmd(s.id()).exec();
        assertThat(in.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(in.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(in.getConfig().getEnv()).contains("GREETING=hello");
        assertThat(DockerTestEngine.run(raw, s.id(), "sh", "-c", "echo $GREETING")).contains("hello");

        assertThat(join(backend.pause(s.name())).state()).isEqualTo(SandboxState.PAUSED);
        assertThat(join(backend.resume(s.name())).state()).isEqualTo(SandboxState.RUNNING);
        Sandbox stopped = join(backend.stop(s.name()));
        assertThat(stopped.state()).isEqualTo(SandboxState.SUSPENDED);
        assertThat(join(backend.start(s.id())).state()).isEqualTo(SandboxState.RUNNING);
        join(backend.stop(s.id()));
        assertThat(join(backend.resume(s.name())).state()).as("Resume starts a stopped container").isEqualTo(SandboxState.RUNNING);
        int from = events.size();
        join(backend.destroy(s.name()));
        events.await(from, e -> e instanceof BackendEvent.Removed r && r.key().equals(s.id()), Duration.ofSeconds(30), "removed");
        assertThat(raw.listContainersCmd().withShowAll(true).withIdFilter(List.of(s.id())).exec()).isEmpty();
    }

    @Test
    void badInputGetsClearErrors() {
        SandtableException missing = failure(backend.create(CreateSandboxRequest.fromTemplate(name("x"), "no-such/image:9")));
        assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(missing.getMessage()).contains("no image 'no-such/image:9'").contains("docker pull");

        SandtableException invalid = failure(backend.create(CreateSandboxRequest.fromTemplate("Bad_Name!", DockerTestEngine.IMAGE)));
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(invalid.getMessage()).contains("Bad_Name!");

        Sandbox s = join(backend.create(new CreateSandboxRequest(name("gone"), DockerTestEngine.IMAGE, null, Map.of("test-run", RUN))));
        raw.removeContainerCmd(s.id()).withForce(true).exec(); // behind Sandtable's back
        SandtableException gone = failure(backend.pause(s.id()));
        assertThat(gone.code()).isEqualTo(ErrorCode.NOT_FOUND);
        events.await(e -> e instanceof BackendEvent.Removed r && r.key().equals(s.id()), "the table drops the removed container");

        SandtableException unknown = failure(backend.pause("no-such-sandbox-" + RUN));
        assertThat(unknown.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknown.getMessage()).contains("no sandbox named 'no-such-sandbox-" + RUN + "'");

        Sandbox dup = join(backend.create(new CreateSandboxRequest(name("dup"), DockerTestEngine.IMAGE, null, Map.of("test-run", RUN))));
        SandtableException twice = failure(backend.create(new CreateSandboxRequest(name("dup"), DockerTestEngine.IMAGE, null, Map.of())));
        assertThat(twice.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        SandtableException resumeRunning = failure(backend.resume(dup.id()));
        assertThat(resumeRunning.code()).isEqualTo(ErrorCode.INVALID_STATE);
        join(backend.destroy(dup.id()));
    }

    @Test
    void deadEngineFailsFastWithAClearMessage() throws Exception {
        java.nio.file.Path sock = java.nio.file.Files.createTempDirectory("no-engine").resolve("docker.sock");
        try (DockerBackend dead = new DockerBackend(DockerHost.of("unix://" + sock, "test"))) {
            EventLog log = new EventLog();
            dead.watch(log);
            BackendEvent.Connection c = (BackendEvent.Connection) log.await(e -> e instanceof BackendEvent.Connection x
                    && x.state() == ConnectionState.DISCONNECTED, "disconnected");
            assertThat(c.message()).contains("no Docker engine answers at unix://" + sock);
            SandtableException e = failure(dead.create(CreateSandboxRequest.fromTemplate("a", DockerTestEngine.IMAGE)));
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("is dockerd running?");
        }
    }

    // ---- terminals

    static String readUntil(InputStream in, String needle, Duration timeout) throws Exception {
        StringBuilder sb = new StringBuilder();
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sb) {
                        sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        if (sb.toString().contains(needle)) return sb.toString();
                    }
                }
            } catch (java.io.IOException e) {
                throw new CompletionException(e);
            }
            return sb.toString();
        });
        try {
            return f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (sb) {
                throw new AssertionError("no '" + needle + "' in: " + sb);
            }
        }
    }

    @Test
    void terminalIsSizedFromItsFirstFrameResizesAndEnds() throws Exception {
        Sandbox s = join(backend.create(new CreateSandboxRequest(name("tty"), DockerTestEngine.IMAGE, null, Map.of("test-run", RUN))));
        // a program that prints its size at once: with a 0x0 start it would print "stty: standard input" or "0 0"
        TerminalSession quick = join(backend.openTerminal(s.id(), new TerminalRequest(List.of("stty", "size"), 100, 30, Map.of(), null)));
        String first = readUntil(quick.output(), "\n", Duration.ofSeconds(20));
        assertThat(first).contains("30 100");
        assertThat(quick.exit().get(20, java.util.concurrent.TimeUnit.SECONDS)).isZero();

        TerminalSession shell = join(backend.openTerminal(s.id(), TerminalRequest.shell(80, 24)));
        join(shell.write("echo size-$(stty size | tr ' ' x)-$((6*7))\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(readUntil(shell.output(), "size-24x80-42", Duration.ofSeconds(20))).contains("size-24x80-42");
        join(shell.resize(132, 43));
        join(shell.write("echo now-$(stty size | tr ' ' x)\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(readUntil(shell.output(), "now-43x132", Duration.ofSeconds(20))).contains("now-43x132");
        join(shell.write("exit 3\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(shell.exit().get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(3);

        // closing a session ends its program (the engine would leave it running)
        TerminalSession sleeper = join(backend.openTerminal(s.id(), new TerminalRequest(List.of("sleep", "4321"), 80, 24, Map.of(), null)));
        EventLog.eventually(() -> DockerTestEngine.run(raw, s.id(), "ps").contains("sleep 4321"), Duration.ofSeconds(10), "sleep runs");
        sleeper.close();
        EventLog.eventually(() -> !DockerTestEngine.run(raw, s.id(), "ps").contains("sleep 4321"), Duration.ofSeconds(10), "sleep ended by close()");

        // a dropped stream: the session says so, starts the program anew (an exec cannot be reattached), and goes on
        TerminalSession dropped = join(backend.openTerminal(s.id(), TerminalRequest.shell(80, 24)));
        List<TerminalSession.TerminalState> states = java.util.Collections.synchronizedList(new ArrayList<>());
        dropped.onState(states::add);
        join(dropped.write("echo one-$((0+1))\n".getBytes(StandardCharsets.UTF_8)));
        readUntil(dropped.output(), "one-1", Duration.ofSeconds(20));
        ((DockerTerminalSession) dropped).dropStreamForTest();
        assertThat(readUntil(dropped.output(), "new shell", Duration.ofSeconds(20))).contains("connection to the engine was lost");
        EventLog.eventually(() -> states.contains(TerminalSession.TerminalState.RECONNECTING) && states.getLast() == TerminalSession.TerminalState.CONNECTED,
                Duration.ofSeconds(20), "reconnecting, then connected: " + states);
        join(dropped.write("echo two-$((1+1))\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(readUntil(dropped.output(), "two-2", Duration.ofSeconds(20))).contains("two-2");
        dropped.close();

        // the main process has a TTY (Sandtable creates containers with one): attach to it
        TerminalSession main = join(backend.attach(s.id(), 80, 24));
        assertThat(main.id()).startsWith("attach:");
        main.close();
        join(backend.destroy(s.id()));
    }

    // ---- watches

    @Test
    void watchFallsBackToPollingAndSaysSo() throws Exception {
        Sandbox s = join(backend.create(new CreateSandboxRequest(name("watch"), DockerTestEngine.IMAGE, null, Map.of("test-run", RUN))));
        DockerTestEngine.run(raw, s.id(), "mkdir", "-p", "/work/sub");
        List<Object> got = java.util.Collections.synchronizedList(new ArrayList<>());
        WatchListener l = new WatchListener() {
            @Override
            public void onEvent(FsEvent event) {
                got.add(event);
            }

            @Override
            public void onState(WatchState state) {
                got.add(state);
            }
        };
        DirectoryWatch w = join(backend.watchDir(s.name(), new WatchRequest("/work", true), l));
        WatchState.Started started = (WatchState.Started) got.stream().filter(o -> o instanceof WatchState.Started).findFirst().orElseThrow();
        assertThat(started.mechanism()).contains("polling every 500 ms");
        DockerTestEngine.run(raw, s.id(), "sh", "-c", "echo a > /work/sub/a.txt");
        EventLog.eventually(() -> has(got, FsEvent.FsEventType.CREATE, "sub/a.txt"), Duration.ofSeconds(10), "CREATE sub/a.txt");
        FsEvent create = got.stream().filter(o -> o instanceof FsEvent e && e.path().equals("sub/a.txt")).map(FsEvent.class::cast).findFirst().orElseThrow();
        assertThat(create.latency()).isNotNull();
        DockerTestEngine.run(raw, s.id(), "sh", "-c", "echo more >> /work/sub/a.txt");
        EventLog.eventually(() -> has(got, FsEvent.FsEventType.WRITE, "sub/a.txt"), Duration.ofSeconds(10), "WRITE sub/a.txt");
        DockerTestEngine.run(raw, s.id(), "rm", "/work/sub/a.txt");
        EventLog.eventually(() -> has(got, FsEvent.FsEventType.REMOVE, "sub/a.txt"), Duration.ofSeconds(10), "REMOVE sub/a.txt");
        w.close();
        assertThat(w.isOpen()).isFalse();

        SandtableException missing = failure(backend.watchDir(s.name(), new WatchRequest("/no/such/dir", false), l));
        assertThat(missing.code()).as(missing.getMessage()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(missing.getMessage()).contains("/no/such/dir");
        join(backend.destroy(s.id()));
    }

    @Test
    void watchUsesInotifywaitWhenTheSandboxHasIt() {
        DockerTestEngine.ensureInotifyImage(raw, host);
        Sandbox s = join(backend.create(new CreateSandboxRequest(name("inotify"), DockerTestEngine.INOTIFY_IMAGE, null, Map.of("test-run", RUN))));
        DockerTestEngine.run(raw, s.id(), "mkdir", "-p", "/work/sub");
        List<Object> got = java.util.Collections.synchronizedList(new ArrayList<>());
        DirectoryWatch w = join(backend.watchDir(s.id(), new WatchRequest("/work", true), new WatchListener() {
            @Override
            public void onEvent(FsEvent event) {
                got.add(event);
            }

            @Override
            public void onState(WatchState state) {
                got.add(state);
            }
        }));
        WatchState.Started started = (WatchState.Started) got.stream().filter(o -> o instanceof WatchState.Started).findFirst().orElseThrow();
        assertThat(started.mechanism()).startsWith("inotifywait");
        DockerTestEngine.run(raw, s.id(), "sh", "-c", "echo a > /work/sub/a.txt; echo b >> /work/sub/a.txt; mv /work/sub/a.txt /work/b.txt; rm /work/b.txt");
        EventLog.eventually(() -> has(got, FsEvent.FsEventType.CREATE, "sub/a.txt") && has(got, FsEvent.FsEventType.WRITE, "sub/a.txt")
                && has(got, FsEvent.FsEventType.RENAME, "b.txt") && has(got, FsEvent.FsEventType.REMOVE, "b.txt"), Duration.ofSeconds(10),
                "inotify events: " + got);
        w.close();
        join(backend.destroy(s.id()));
    }

    static boolean has(List<Object> got, FsEvent.FsEventType type, String path) {
        synchronized (got) {
            return got.stream().anyMatch(o -> o instanceof FsEvent e && e.type() == type && e.path().equals(path));
        }
    }

    // ---- snapshots

    @Test
    void snapshotsCommitRestoreOneToManyWithLineageAndDelete() {
        Sandbox s = join(backend.create(new CreateSandboxRequest(name("snapsrc"), DockerTestEngine.IMAGE, null, Map.of("test-run", RUN))));
        DockerTestEngine.run(raw, s.id(), "sh", "-c", "mkdir -p /work && echo kept > /work/state.txt");
        String snapA = name("snap-a");
        snapshotNames.add(snapA);
        int from = events.size();
        Snapshot a = join(backend.snapshot(s.name(), snapA));
        assertThat(a.sourceSandboxId()).isEqualTo(s.id());
        assertThat(a.sourceSandboxName()).isEqualTo(s.name());
        assertThat(a.parentSnapshotId()).isNull();
        assertThat(a.createdAt()).isNotNull();
        events.await(from, e -> e instanceof BackendEvent.Upserted u && u.resource() instanceof Snapshot x && x.id().equals(a.id()),
                Duration.ofSeconds(30), "the snapshot in the Snapshots table");

        Sandbox r1 = join(backend.restore(snapA, name("r1")));
        Sandbox r2 = join(backend.restore(a.id(), name("r2")));
        for (Sandbox r : List.of(r1, r2)) {
            assertThat(r.sourceKind()).isEqualTo(SourceKind.SNAPSHOT);
            assertThat(r.sourceRef()).isEqualTo(a.id());
            assertThat(DockerTestEngine.run(raw, r.id(), "cat", "/work/state.txt")).contains("kept");
        }
        String snapB = name("snap-b");
        snapshotNames.add(snapB);
        Snapshot b = join(backend.snapshot(r1.id(), snapB));
        assertThat(b.parentSnapshotId()).isEqualTo(a.id());

        SandtableException inUse = failure(backend.deleteSnapshot(snapA));
        assertThat(inUse.code()).isEqualTo(ErrorCode.INVALID_STATE);
        assertThat(inUse.getMessage()).contains("destroy them first");
        SandtableException dupName = failure(backend.snapshot(s.id(), snapA));
        assertThat(dupName.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);

        join(backend.destroy(r1.id()));
        join(backend.destroy(r2.id()));
        join(backend.deleteSnapshot(snapB));
        from = events.size();
        join(backend.deleteSnapshot(a.id()));
        events.await(from, e -> e instanceof BackendEvent.Removed r && r.kind() == ResourceKind.SNAPSHOT && r.key().equals(a.id()),
                Duration.ofSeconds(30), "snapshot removed from the table");
        assertThat(failure(backend.restore(snapA, null)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        join(backend.destroy(s.id()));
    }

    // ---- warm pools

    @Test
    void warmPoolClaimsUnpauseIdleMembersAndRecycles() {
        String pool = name("pool");
        Pool p = join(backend.createPool(new PoolSpec(pool, DockerTestEngine.IMAGE, 2, 3)));
        assertThat(p.minIdle()).isEqualTo(2);
        EventLog.eventually(() -> idle(pool) == 2, Duration.ofSeconds(60), "two idle members");
        EventLog.eventually(() -> members(pool).size() == 2 && members(pool).stream().allMatch(m -> m.state() == SandboxState.PAUSED),
                Duration.ofSeconds(30), "both members paused in the table");

        Claim c1 = join(backend.claim(pool));
        assertThat(c1.warm()).isTrue();
        assertThat(c1.sandbox().state()).isEqualTo(SandboxState.RUNNING);
        assertThat(c1.sandbox().poolName()).isEqualTo(pool);
        join(backend.release(c1.id(), ReleaseMode.PUT));
        assertThat(raw.inspectContainerCmd(c1.sandbox().id()).exec().getState().getPaused()).isTrue();
        assertThat(failure(backend.release(c1.id(), ReleaseMode.PUT)).code()).isEqualTo(ErrorCode.NOT_FOUND);

        EventLog.eventually(() -> idle(pool) == 2, Duration.ofSeconds(60), "idle again");
        Claim a = join(backend.claim(pool));
        Claim b = join(backend.claim(pool));
        Claim c = join(backend.claim(pool));
        assertThat(a.warm()).isTrue();
        SandtableException full = failure(backend.claim(pool));
        assertThat(full.code()).isEqualTo(ErrorCode.INVALID_STATE);
        assertThat(full.getMessage()).contains("all 3 members");
        join(backend.release(c.id(), ReleaseMode.DEAD));
        assertThat(raw.listContainersCmd().withShowAll(true).withIdFilter(List.of(c.sandbox().id())).exec()).isEmpty();
        join(backend.release(b.id(), ReleaseMode.PUT));

        Pool stats = pool(pool);
        assertThat(stats.stats().hits() + stats.stats().misses()).isEqualTo(4);
        assertThat(stats.stats().hits()).isGreaterThanOrEqualTo(2);
        assertThat(stats.stats().markedDead()).isEqualTo(1);
        assertThat(stats.stats().releases()).isEqualTo(2);
        assertThat(stats.stats().claimLatency().count()).isEqualTo(4);

        // a pool with nothing idle creates the member at claim time: a miss
        String cold = name("cold");
        join(backend.createPool(new PoolSpec(cold, DockerTestEngine.IMAGE, 0, 1), PoolRecycle.DESTROY));
        Claim miss = join(backend.claim(cold));
        assertThat(miss.warm()).isFalse();
        assertThat(miss.sandbox().state()).isEqualTo(SandboxState.RUNNING);
        join(backend.release(miss.id(), ReleaseMode.PUT)); // DESTROY policy: not recycled
        assertThat(raw.listContainersCmd().withShowAll(true).withIdFilter(List.of(miss.sandbox().id())).exec()).isEmpty();
        assertThat(pool(cold).stats().misses()).isEqualTo(1);
        join(backend.deletePool(cold));

        join(backend.deletePool(pool));
        EventLog.eventually(() -> raw.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(DockerLabels.POOL, pool)).exec().isEmpty(),
                Duration.ofSeconds(30), "every member destroyed, claimed ones included");
        assertThat(failure(backend.release(a.id(), ReleaseMode.PUT)).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    static Pool pool(String name) {
        return backend.awaitInventory(Duration.ofSeconds(5)).pools().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static int idle(String name) {
        return pool(name).idle();
    }

    static List<Sandbox> members(String pool) {
        return backend.awaitInventory(Duration.ofSeconds(5)).sandboxes().stream().filter(s -> pool.equals(s.poolName())).toList();
    }
}
