package dev.sandtable.e2b;

import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.sandtable.e2b.E2bBackendTest.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** E2bBackend against Sandtable's own E2B-compatible server: real sandboxes, a real bash under a PTY, real inotify. */
class E2bLocalServerTest {
    @TempDir
    static Path dir;
    static LocalE2bServer server;
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        server = new LocalE2bServer(dir);
        sandbox = server.backend.create(new CreateSandboxRequest("client-test", "base", null, Map.of())).join();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void logsComeFromTheControlPlaneOldestFirstAndCutToMaxBytes() throws Exception {
        String local = server.runtime.inventory().sandboxes().stream().filter(s -> s.id().replace("-", "").equals(sandbox.id()))
                .findFirst().orElseThrow().id();
        Path log = dir.resolve("state/sandboxes").resolve(local).resolve("init.log");
        Files.writeString(log, "alpha\nbeta\ngamma\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(server.backend.capabilities().supports(dev.sandtable.spi.Operation.LOGS)).isTrue();
        String text = server.backend.logs(sandbox.id(), 1 << 20).get(30, TimeUnit.SECONDS);
        assertThat(text).endsWith("alpha\nbeta\ngamma\n");
        assertThat(server.backend.logs("client-test", 11).get(30, TimeUnit.SECONDS)).isEqualTo("beta\ngamma\n");
        assertThatThrownBy(() -> server.backend.logs("nosuchsandbox", 100).join())
                .hasCauseInstanceOf(SandtableException.class)
                .satisfies(e -> assertThat(((SandtableException) e.getCause()).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void liveViewFollowsLifecycleOperations() {
        List<BackendEvent> events = new CopyOnWriteArrayList<>();
        try (Subscription s = server.backend.watch(events::add)) {
            until("synced with the sandbox", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Synced sy
                    && sy.inventory().sandboxes().stream().anyMatch(x -> x.id().equals(sandbox.id()) && x.name().equals("client-test"))));
            Sandbox other = server.backend.create(CreateSandboxRequest.fromTemplate("other", "base")).join();
            until("the new sandbox listed", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Upserted u && u.resource().key().equals(other.id())));
            server.backend.pause(other.id()).join();
            until("paused", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Upserted u && u.resource() instanceof Sandbox x
                    && x.id().equals(other.id()) && x.state() == SandboxState.PAUSED));
            server.backend.resume("other").join();
            until("running again", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Lifecycle l
                    && l.event().resourceKey().equals(other.id()) && l.event().to() == SandboxState.RUNNING && l.event().from() == SandboxState.PAUSED));
            server.backend.setTimeout(other.id(), java.time.Duration.ofMinutes(10)).join();
            server.backend.destroy(other.id()).join();
            until("gone", () -> events.stream().anyMatch(e -> e instanceof BackendEvent.Removed r && r.kind() == ResourceKind.SANDBOX
                    && r.key().equals(other.id())));
        }
    }

    @Test
    void terminalRunsBashUnderAPtyResizesAndSurvivesADroppedStream() throws Exception {
        TerminalSession t = server.backend.openTerminal(sandbox.id(), TerminalRequest.shell(80, 24)).get(30, TimeUnit.SECONDS);
        E2bStreamsTest.Output out = new E2bStreamsTest.Output(t.output());
        t.write("echo hi-$((6*7)); tty\r".getBytes(StandardCharsets.UTF_8));
        until("the command's output", () -> out.text().matches("(?s).*(?<!echo )hi-42\\r?\\n.*/dev/pts/.*"));
        t.resize(101, 31).get(10, TimeUnit.SECONDS);
        t.write("stty size\r".getBytes(StandardCharsets.UTF_8));
        until("the new size", () -> out.text().contains("31 101"));

        t.write("export MARK=kept-$((40+2))\r".getBytes(StandardCharsets.UTF_8));
        ((E2bTerminalSession) t).dropStreamForTest();
        List<TerminalSession.TerminalState> states = new CopyOnWriteArrayList<>();
        t.onState(states::add);
        until("reattached", () -> states.contains(TerminalSession.TerminalState.CONNECTED));
        assertThat(states.getFirst()).as("the state when the listener came").isEqualTo(TerminalSession.TerminalState.RECONNECTING);
        t.write("echo $MARK\r".getBytes(StandardCharsets.UTF_8));
        // only the shell that ran the export knows MARK: the echoed export line shows "kept-$((40+2))", not the value
        until("the same shell answered", () -> out.text().contains("kept-42"));
        t.write("exit 3\r".getBytes(StandardCharsets.UTF_8));
        assertThat(t.exit().get(30, TimeUnit.SECONDS)).isEqualTo(3);
        until("output ends", () -> out.eof);
    }

    @Test
    void watchSeesFilesWrittenInTheSandbox() throws Exception {
        Path ws = server.workspace(sandbox.id());
        Files.createDirectories(ws.resolve("watched"));
        E2bStreamsTest.WatchRecorder r = new E2bStreamsTest.WatchRecorder();
        DirectoryWatch w = server.backend.watchDir(sandbox.id(), new WatchRequest("watched", true), r).get(30, TimeUnit.SECONDS);
        assertThat(r.states).anyMatch(WatchState.Started.class::isInstance);
        Files.writeString(ws.resolve("watched/a.txt"), "x");
        Files.createDirectories(ws.resolve("watched/sub"));
        Files.writeString(ws.resolve("watched/sub/b.txt"), "y");
        until("both files seen", () -> r.events.stream().anyMatch(e -> e.path().equals("a.txt") && e.type() == FsEvent.FsEventType.CREATE)
                && r.events.stream().anyMatch(e -> e.path().equals("sub/b.txt")));
        w.close();
        assertThat(r.states.getLast()).isInstanceOfSatisfying(WatchState.Ended.class, e -> assertThat(e.error()).isNull());

        E2bStreamsTest.WatchRecorder bad = new E2bStreamsTest.WatchRecorder();
        assertThatThrownBy(() -> server.backend.watchDir(sandbox.id(), new WatchRequest("nowhere", false), bad).join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
