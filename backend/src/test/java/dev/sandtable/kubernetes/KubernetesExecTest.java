package dev.sandtable.kubernetes;

import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.sandtable.kubernetes.AgentSandboxMock.NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Terminals and directory watches through {@code exec}. The CRUD mock runs no processes, so these use the mock's
 * expectations: a given exec URL (the exact command Sandtable sends) answers with scripted output and an exit code.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesExecTest {
    KubernetesMockServer server;
    KubernetesClient client;
    KubernetesBackend backend;

    @BeforeEach
    void start() {
        client.pods().inNamespace(NS).resource(AgentSandboxMock.pod("box", "Running", Map.of())).create();
        backend = new KubernetesBackend(server.createClient(), new KubeTarget("mock", NS, null), KubernetesBackendTest.FAST, Clock.systemUTC());
        Events e = new Events();
        backend.watch(e);
        e.await(BackendEvent.Synced.class, s -> true);
    }

    @AfterEach
    void close() throws Exception {
        MockServerTeardown.serverFirst(server, backend);
    }

    /** The exec URL fabric8 sends for this command. */
    static String exec(List<String> command, String flags) {
        return "/api/v1/namespaces/" + NS + "/pods/box/exec?" + command.stream()
                .map(c -> "command=" + URLEncoder.encode(c, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("&")) + "&container=main&" + flags;
    }

    @Test
    void aTerminalIsAnExecWithATtyAndStdin() throws Exception {
        List<String> cmd = KubeTerminalSession.command(TerminalRequest.shell(100, 30));
        assertThat(cmd).containsSubsequence("env", "TERM=xterm-256color", "sh", "-c", KubeTerminalSession.SHELL);
        // the pod's side: answers the resize channel (4) and stdin (0) as a shell would, then exits with 3
        server.expect().get().withPath(exec(cmd, "tty=true&stdin=true&stdout=true")).andUpgradeToWebSocket()
                .open(new OutputStreamMessage("sandbox shell ready\r\n$ "))
                .expect(resize(100, 30, true)).andEmit(new OutputStreamMessage("[tty 100x30]")).always()
                .expect(resize(100, 30, false)).andEmit(new OutputStreamMessage("[tty 100x30]")).always()
                .expect(resize(120, 40, true)).andEmit(new OutputStreamMessage("[tty 120x40]")).always()
                .expect(resize(120, 40, false)).andEmit(new OutputStreamMessage("[tty 120x40]")).always()
                .expect("\u0000ls\n").andEmit(new OutputStreamMessage("a.txt\r\n$ ")).once()
                .expect("\u0000exit 3\n").andEmit(new StatusStreamMessage(3)).once()
                .done().always();

        TerminalSession t = backend.openTerminal("pod/box", TerminalRequest.shell(100, 30)).get(20, TimeUnit.SECONDS);
        assertThat(t.id()).startsWith("exec:box:");
        assertThat(read(t.output(), "[tty 100x30]")).as("the initial size goes through the resize channel")
                .contains("sandbox shell ready", "[tty 100x30]");
        t.write("ls\n".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        assertThat(read(t.output(), "a.txt")).contains("a.txt");
        t.resize(120, 40).get(5, TimeUnit.SECONDS);
        assertThat(read(t.output(), "[tty 120x40]")).contains("[tty 120x40]");
        t.write("exit 3\n".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        assertThat(t.exit().get(20, TimeUnit.SECONDS)).isEqualTo(3);
        t.close();
    }

    @Test
    void watchDirUsesInotifywaitWhenThePodHasIt() throws Exception {
        WatchRequest req = new WatchRequest("/work", true);
        server.expect().get().withPath(exec(List.of("sh", "-c", KubeDirectoryWatch.PROBE), "stdout=true")).andUpgradeToWebSocket()
                .open(new OutputStreamMessage("/usr/bin/inotifywait\n"), new StatusStreamMessage(0)).done().always();
        server.expect().get().withPath(exec(KubeDirectoryWatch.inotifyCommand(req), "stdout=true")).andUpgradeToWebSocket()
                .open(new OutputStreamMessage("CREATE|/work/a.txt\nMODIFY|/work/a.txt\nDELETE|/work/sub/b\nMOVED_TO|/work/c\n"))
                .done().always();
        Collected got = new Collected();
        DirectoryWatch w = backend.watchDir("pod/box", req, got).get(20, TimeUnit.SECONDS);
        got.await(4);
        assertThat(got.events).extracting(FsEvent::type, FsEvent::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.CREATE, "a.txt"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.WRITE, "a.txt"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.REMOVE, "sub/b"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.RENAME, "c"));
        assertThat(got.states).anyMatch(s -> s instanceof WatchState.Started);
        w.close();
        assertThat(w.isOpen()).isFalse();
    }

    @Test
    void watchDirPollsWhenThePodHasNoInotifywait() throws Exception {
        WatchRequest req = new WatchRequest("/work", false);
        server.expect().get().withPath(exec(List.of("sh", "-c", KubeDirectoryWatch.PROBE), "stdout=true")).andUpgradeToWebSocket()
                .open(new StatusStreamMessage(1)).done().always();
        String poll = exec(KubeDirectoryWatch.pollCommand(req), "stdout=true");
        server.expect().get().withPath(poll).andUpgradeToWebSocket()
                .open(new OutputStreamMessage("100 5 regular file|/work/keep\n100 7 regular file|/work/changes\n100 1 regular file|/work/goes\n"
                        + "100 4096 directory|/work/sub\n"), new StatusStreamMessage(0)).done().once();
        server.expect().get().withPath(poll).andUpgradeToWebSocket()
                .open(new OutputStreamMessage("100 5 regular file|/work/keep\n200 9 regular file|/work/changes\n300 2 regular file|/work/new\n"
                        + "300 4096 directory|/work/sub\n"), new StatusStreamMessage(0)).done().always();
        Collected got = new Collected();
        DirectoryWatch w = backend.watchDir("pod/box", req, got).get(20, TimeUnit.SECONDS);
        got.await(3);
        assertThat(got.events).extracting(FsEvent::type, FsEvent::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.CREATE, "new"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.WRITE, "changes"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.REMOVE, "goes"));
        assertThat(got.events).as("a directory whose time changed with its entries was not written").noneMatch(e -> e.path().equals("sub"));
        w.close();
    }

    /** A resize message on the exec's resize channel, with its JSON keys in either order. */
    static String resize(int w, int h, boolean widthFirst) {
        return "\u0004" + (widthFirst ? "{\"Width\":" + w + ",\"Height\":" + h + "}" : "{\"Height\":" + h + ",\"Width\":" + w + "}");
    }

    static String read(InputStream in, String until) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end && !out.toString(StandardCharsets.UTF_8).contains(until)) {
            int n = in.read(buf);
            if (n < 0) break;
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static final class Collected implements WatchListener {
        final List<FsEvent> events = new CopyOnWriteArrayList<>();
        final List<WatchState> states = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void onEvent(FsEvent event) {
            events.add(event);
            notifyAll();
        }

        @Override
        public void onState(WatchState state) {
            states.add(state);
        }

        synchronized void await(int n) throws InterruptedException {
            long end = System.nanoTime() + 20_000_000_000L;
            while (events.size() < n && System.nanoTime() < end) wait(100);
            assertThat(events).as("events").hasSizeGreaterThanOrEqualTo(n);
        }
    }
}
