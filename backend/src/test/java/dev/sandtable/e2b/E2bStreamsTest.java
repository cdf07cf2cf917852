package dev.sandtable.e2b;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.sandtable.e2b.E2bBackendTest.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class E2bStreamsTest {
    private FakeE2bPlatform platform;
    private E2bBackend backend;
    private String sandbox;

    @BeforeEach
    void setUp() throws IOException {
        platform = new FakeE2bPlatform();
        backend = new E2bBackend(new E2bConfig(platform.uri(), FakeE2bPlatform.KEY, null, E2bConfig.Routing.SANDBOX_URL,
                platform.uri(), Duration.ofSeconds(10), null));
        backend.tune(new E2bTerminalSession.Tuning(1, Duration.ofSeconds(10), Duration.ofSeconds(10)), 1);
        sandbox = platform.add("running");
    }

    @AfterEach
    void tearDown() {
        backend.close();
        platform.close();
    }

    /** Collects a terminal's output on a thread of its own. */
    static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean eof;

        Output(InputStream in) {
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[4096];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // ends the collector
                }
                eof = true;
            });
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void terminalStartsWithPtyAndEchoesInputInOrder() throws Exception {
        TerminalSession t = backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)).get(10, TimeUnit.SECONDS);
        Output out = new Output(t.output());
        var seen = platform.server.last("/process.Process/Start");
        String req = dev.sandtable.e2b.client.FakeConnectServer.unwrap(seen.body());
        assertThat(req).contains("\"cmd\":\"/bin/bash\"").contains("\"args\":[\"-i\",\"-l\"]").contains("\"TERM\":\"xterm-256color\"")
                .contains("\"pty\":{\"size\":{\"cols\":80,\"rows\":24}}");
        assertThat(seen.headers().getFirst("X-Access-Token")).isEqualTo("tok-" + sandbox);
        assertThat(seen.headers().getFirst("Keepalive-Ping-Interval")).isEqualTo("1");
        assertThat(seen.headers().containsKey("Connect-Timeout-Ms")).isFalse();

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String s = "k" + i + ";";
            expected.append(s);
            t.write(s.getBytes(StandardCharsets.UTF_8));
        }
        until("every keystroke echoed in order", () -> out.text().equals(expected.toString()));

        t.resize(100, 30).get(10, TimeUnit.SECONDS);
        until("the resize answered", () -> out.text().contains("resized 100x30"));
        assertThat(platform.procs.get(Long.parseLong(t.id())).sizes).containsExactly("80x24", "100x30");

        t.write("exit 3\r".getBytes(StandardCharsets.UTF_8));
        assertThat(t.exit().get(10, TimeUnit.SECONDS)).isEqualTo(3);
        until("output ends", () -> out.eof);
        assertThatThrownBy(() -> t.write(new byte[]{1}).join()).cause().isInstanceOf(SandtableException.class);
    }

    @Test
    void droppedStreamReattachesToTheSameProcess() throws Exception {
        TerminalSession t = backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)).get(10, TimeUnit.SECONDS);
        List<TerminalSession.TerminalState> states = new CopyOnWriteArrayList<>();
        t.onState(states::add);
        Output out = new Output(t.output());
        t.write("before;".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        until("echo before the drop", () -> out.text().contains("before;"));
        FakeE2bPlatform.Proc p = platform.procs.get(Long.parseLong(t.id()));
        p.drop();
        until("reattached", () -> states.contains(TerminalSession.TerminalState.RECONNECTING)
                && states.getLast() == TerminalSession.TerminalState.CONNECTED && !p.subscribers.isEmpty());
        var connect = platform.server.last("/process.Process/Connect");
        assertThat(dev.sandtable.e2b.client.FakeConnectServer.unwrap(connect.body())).isEqualTo("{\"process\":{\"pid\":" + t.id() + "}}");
        t.write("after;".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        until("echo after the drop", () -> out.text().equals("before;after;"));
        assertThat(t.exit()).isNotDone();
        t.close();
        assertThat(t.exit().get(10, TimeUnit.SECONDS)).isEqualTo(-1);
        until("the process was killed", () -> p.ended.getCount() == 0);
        assertThat(states.getLast()).isEqualTo(TerminalSession.TerminalState.ENDED);
    }

    @Test
    void inputIsRetriedInOrderWhileEnvdIsUnreachable() throws Exception {
        TerminalSession t = backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)).get(10, TimeUnit.SECONDS);
        Output out = new Output(t.output());
        platform.inputFailures.set(3);
        var first = t.write("one;".getBytes(StandardCharsets.UTF_8));
        t.write("two;".getBytes(StandardCharsets.UTF_8));
        var third = t.write("three;".getBytes(StandardCharsets.UTF_8));
        first.get(10, TimeUnit.SECONDS);
        third.get(10, TimeUnit.SECONDS);
        until("all input arrived in order", () -> out.text().equals("one;two;three;"));
        assertThat(platform.inputFailures.get()).isZero();
    }

    @Test
    void reattachToAVanishedProcessEndsTheSession() throws Exception {
        TerminalSession t = backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)).get(10, TimeUnit.SECONDS);
        FakeE2bPlatform.Proc p = platform.procs.remove(Long.parseLong(t.id()));
        p.drop();
        assertThat(t.exit().get(30, TimeUnit.SECONDS)).isEqualTo(-1);
    }

    @Test
    void terminalOnUnknownSandboxFailsWithNotFound() {
        assertThatThrownBy(() -> backend.openTerminal("nope", TerminalRequest.shell(80, 24)).join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void pathRoutingPutsTheSandboxInThePath() throws Exception {
        try (E2bBackend path = new E2bBackend(backend.config().withRouting(E2bConfig.Routing.PATH, URI.create(platform.uri() + "/")))) {
            TerminalSession t = path.openTerminal(sandbox, TerminalRequest.shell(80, 24)).get(10, TimeUnit.SECONDS);
            assertThat(platform.server.last("/sandbox/" + sandbox + "/49983/process.Process/Start")).isNotNull();
            t.close();
        }
    }

    static final class WatchRecorder implements WatchListener {
        final List<FsEvent> events = new CopyOnWriteArrayList<>();
        final List<WatchState> states = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(FsEvent event) {
            events.add(event);
        }

        @Override
        public void onState(WatchState state) {
            states.add(state);
        }
    }

    @Test
    void watchDeliversEventsAndStreamStates() throws Exception {
        WatchRecorder r = new WatchRecorder();
        var watch = backend.watchDir(sandbox, new WatchRequest("/home/user", true), r).get(10, TimeUnit.SECONDS);
        assertThat(r.states.get(0)).isInstanceOf(WatchState.Connecting.class);
        assertThat(r.states.get(1)).isInstanceOfSatisfying(WatchState.Started.class, s -> assertThat(s.startLatency()).isPositive());
        assertThat(dev.sandtable.e2b.client.FakeConnectServer.unwrap(platform.server.last("/filesystem.Filesystem/WatchDir").body()))
                .isEqualTo("{\"path\":\"/home/user\",\"recursive\":true}");
        until("the fake has the watcher", () -> !platform.watchers.isEmpty());
        platform.fsEvent("a.txt", "\"EVENT_TYPE_CREATE\"", null);
        platform.fsEvent("a.txt", "2", "2020-01-01T00:00:00Z");
        platform.fsEvent("odd", "\"EVENT_TYPE_UNSPECIFIED\"", null);
        platform.fsEvent("sub/b", "\"EVENT_TYPE_RENAME\"", null);
        until("three events", () -> r.events.size() == 3);
        assertThat(r.events).extracting(FsEvent::type).containsExactly(FsEvent.FsEventType.CREATE, FsEvent.FsEventType.WRITE,
                FsEvent.FsEventType.RENAME);
        assertThat(r.events).extracting(FsEvent::path).containsExactly("a.txt", "a.txt", "sub/b");
        assertThat(r.events.get(0).latency()).isNull();
        assertThat(r.events.get(1).latency()).isGreaterThan(Duration.ofDays(1));
        until("a keepalive", () -> r.states.stream().anyMatch(WatchState.Keepalive.class::isInstance));
        watch.close();
        assertThat(watch.isOpen()).isFalse();
        assertThat(r.states.getLast()).isInstanceOfSatisfying(WatchState.Ended.class, e -> assertThat(e.error()).isNull());
    }

    @Test
    void watchOfAMissingPathFailsWithTheServersError() {
        WatchRecorder r = new WatchRecorder();
        assertThatThrownBy(() -> backend.watchDir(sandbox, new WatchRequest("relative", false), r).join()).cause()
                .isInstanceOfSatisfying(SandtableException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("path relative not found");
                });
        assertThat(r.states.getLast()).isInstanceOfSatisfying(WatchState.Ended.class, e -> assertThat(e.error()).isNotNull());
    }
}
