package dev.sandtable.opensandbox;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalSession.TerminalState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PTY terminal over execd's {@code /pty} WebSocket against the test server's execd (real bash in real PTYs; the
 * routes and frames checked against {@code opensandbox/pty-api.yml}, written down from execd's Go code).
 */
class ExecdPtyTest {
    static final String KEY = "pty-key";
    OpenSandboxTestServer server;
    OpenSandboxBackend backend;
    String sandbox;

    @BeforeEach
    void start() {
        server = new OpenSandboxTestServer(KEY);
        backend = new OpenSandboxBackend(new OpenSandboxConfig(server.apiUrl(), KEY, Duration.ofMillis(50)));
        sandbox = server.seedSandbox("pty", "Running");
    }

    @AfterEach
    void stop() {
        backend.close();
        server.close();
        assertEquals(List.of(), server.violations(), "requests, answers and frames must conform to the specs");
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    static SandtableException failure(CompletableFuture<?> f) {
        var e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
        return SandtableException.of(e);
    }

    @Test
    void keysRoundTripThroughARealBashPty() throws Exception {
        TerminalSession t = get(backend.openTerminal(sandbox, TerminalRequest.shell(100, 30)));
        assertInstanceOf(ExecdPtyTerminalSession.class, t);
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        get(t.write("echo \"v=$((6*7)) tty=$(tty | cut -c1-8) term=$TERM\"\r".getBytes()));
        screen.await("v=42 tty=/dev/pts term=xterm-256color\r\n"); // the typed line shows $((6*7)), not 42: this is the output
        assertTrue(server.requests().contains("POST execd /pty"), server.requests().toString());
        assertTrue(server.requests().contains("GET execd /pty/" + t.id() + "/ws"), server.requests().toString());
        t.close();
        assertEquals(-1, (int) get(t.exit()));
        screen.awaitEof();
        assertEquals(ErrorCode.NOT_FOUND, failure(get(backend.execd(sandbox)).ptyStatus(t.id())).code(), "closing deleted the session");
    }

    @Test
    void aResizeReachesThePty() throws Exception {
        TerminalSession t = get(backend.openTerminal(sandbox, TerminalRequest.shell(100, 30)));
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        get(t.write("echo size=$(stty size)\r".getBytes()));
        screen.await("size=30 100\r\n"); // execd starts bash at 80x24; the request's size follows at once
        get(t.resize(132, 43));
        get(t.write("echo size=$(stty size)\r".getBytes()));
        screen.await("size=43 132\r\n");
        t.close();
    }

    @Test
    void exitGivesItsCodeAndEndsTheOutput() throws Exception {
        TerminalSession t = get(backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)));
        List<TerminalState> states = new CopyOnWriteArrayList<>();
        t.onState(states::add);
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        get(t.write("exit 3\r".getBytes()));
        assertEquals(3, (int) get(t.exit()));
        screen.awaitEof();
        assertEquals(List.of(TerminalState.CONNECTED, TerminalState.ENDED), states);
        assertEquals(ErrorCode.INVALID_STATE, failure(t.write("x".getBytes())).code());
        t.close();
    }

    @Test
    void aCommandRunsWithTheRequestsEnvironmentAndCwd(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        TerminalSession t = get(backend.openTerminal(sandbox, new TerminalRequest(List.of("sh", "-c", "echo \"$GREETING from $PWD\"; exit 5"),
                80, 24, Map.of("GREETING", "it's me"), dir.toString())));
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        assertEquals(5, (int) get(t.exit()));
        screen.await("it's me from " + dir.toRealPath());
    }

    @Test
    void withoutPtyRoutesTheTerminalFallsBackToLineModeAndSaysWhy() throws Exception {
        server.ptySupported = false;
        assertALineModeTerminalThatSays("line mode (this execd has no PTY sessions: POST /pty answered 404)");
    }

    /** Opens a terminal, which must be the line-mode fallback saying {@code why}, and runs a command in it. */
    private void assertALineModeTerminalThatSays(String why) throws Exception {
        TerminalSession t = get(backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)));
        assertInstanceOf(ExecdTerminalSession.class, t);
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        screen.await(why);
        get(t.write("echo $((40+2))\r".getBytes()));
        screen.await("42\r\n");
        t.close();
    }

    @Test
    void aRefusedWebSocketUpgradeFallsBackToLineModeAndSaysWhy() throws Exception {
        server.refuseWebSockets = true;
        assertALineModeTerminalThatSays("line mode (the PTY WebSocket upgrade was refused with HTTP 400)");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // the unused PTY session is deleted in the background
        while (server.requests().stream().noneMatch(r -> r.startsWith("DELETE execd /pty/")) && System.nanoTime() < end) Thread.sleep(20);
        assertTrue(server.requests().stream().anyMatch(r -> r.startsWith("DELETE execd /pty/")), server.requests().toString());
    }

    @Test
    void aSignalReachesTheProgramAndTheExitFrameCarriesItsCode() throws Exception {
        ExecdClient execd = get(backend.execd(sandbox));
        String id = get(execd.createPty(null, "echo started; sleep 30; echo not-interrupted"));
        TerminalOutput r = new TerminalOutput();
        ExecdPty pty = get(execd.connectPty(id, ExecdPty.Options.pty(), r));
        r.await("started");
        get(pty.signal("SIGINT"));
        assertEquals(1000, (int) get(r.closed), "execd closes normally after the exit frame");
        assertEquals(130, (int) get(r.exit), "bash -c ended by SIGINT");
        assertTrue(!r.text().contains("not-interrupted"), r.text());
        assertEquals(false, get(execd.ptyStatus(id)).running());
        get(execd.deletePty(id));
    }

    @Test
    void aSecondClientIsRefusedUnlessItTakesTheSessionOver() throws Exception {
        ExecdClient execd = get(backend.execd(sandbox));
        String id = get(execd.createPty(null, null));
        TerminalOutput first = new TerminalOutput();
        ExecdPty a = get(execd.connectPty(id, ExecdPty.Options.pty(), first));
        assertEquals("pty", a.mode());

        SandtableException refused = failure(execd.connectPty(id, ExecdPty.Options.pty(), new TerminalOutput()));
        assertEquals(ErrorCode.INVALID_STATE, refused.code());
        assertTrue(refused.getMessage().contains("another client is already connected to PTY session " + id), refused.getMessage());

        get(a.stdin("echo one-$((1+1))\r".getBytes()));
        first.await("one-2");
        TerminalOutput second = new TerminalOutput();
        ExecdPty b = get(execd.connectPty(id, new ExecdPty.Options(0, true, false), second));
        assertEquals(ExecdPty.TAKEN_OVER, (int) get(first.closed), "the holder is closed with 4001");
        second.await("one-2"); // since=0 replays what the shell printed before
        get(b.stdin("echo two-$((1+1))\r".getBytes()));
        second.await("two-2");
        b.close();
        get(execd.deletePty(id));
    }

    static List<org.junit.jupiter.params.provider.Arguments> malformedFrames() {
        return List.of(
                org.junit.jupiter.params.provider.Arguments.of(new byte[]{0x07, 'x'}, "a binary frame on unknown channel 0x07"),
                org.junit.jupiter.params.provider.Arguments.of(new byte[0], "an empty binary frame"),
                org.junit.jupiter.params.provider.Arguments.of(new byte[]{0x03, 0, 0, 1}, "a replay frame of 4 bytes, shorter than its 8-byte offset"),
                org.junit.jupiter.params.provider.Arguments.of("not json", "a text frame that is not a JSON object with a 'type': not json"),
                org.junit.jupiter.params.provider.Arguments.of("{\"type\":\"exit\"}", "an exit frame without an integer exit_code"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("malformedFrames")
    void aMalformedFrameEndsTheConnectionWithAClearError(Object frame, String said) throws Exception {
        server.ptyInjectFrame(frame);
        ExecdClient execd = get(backend.execd(sandbox));
        String id = get(execd.createPty(null, null));
        TerminalOutput r = new TerminalOutput();
        get(execd.connectPty(id, ExecdPty.Options.pty(), r));
        assertEquals(-1, (int) get(r.closed));
        assertNotNull(r.failure);
        assertEquals(ErrorCode.INTERNAL, r.failure.code());
        assertTrue(r.failure.getMessage().contains("sent a malformed PTY frame: " + said), r.failure.getMessage());
        get(execd.deletePty(id));

        TerminalSession t = get(backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)));
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        assertEquals(-1, (int) get(t.exit()), "the terminal ends rather than reattaching into the same error");
        screen.await("malformed PTY frame");
        t.close();
    }

    @Test
    void aServerThatNeverSaysConnectedFailsTheOpenInsteadOfHanging() throws Exception {
        server.ptySilent(true);
        ExecdClient execd = get(backend.execd(sandbox));
        execd.ptyConnectedTimeout(Duration.ofMillis(500));
        String id = get(execd.createPty(null, null));
        TerminalOutput r = new TerminalOutput();
        SandtableException e = failure(execd.connectPty(id, ExecdPty.Options.pty(), r));
        assertEquals(ErrorCode.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("did not send its PTY 'connected' frame within 500 ms"), e.getMessage());
        assertEquals(-1, (int) get(r.closed));
        get(execd.deletePty(id));
    }

    @Test
    void aDroppedConnectionReattachesToTheSameShell() throws Exception {
        TerminalSession t = get(backend.openTerminal(sandbox, TerminalRequest.shell(80, 24)));
        List<TerminalState> states = new CopyOnWriteArrayList<>();
        t.onState(states::add);
        TerminalOutput screen = TerminalOutput.readFrom(t.output());
        get(t.write("X=4$((1+1))\r".getBytes()));
        get(t.write("echo mark-$((1+1))\r".getBytes()));
        screen.await("mark-2\r\n");
        ((ExecdPtyTerminalSession) t).dropConnectionForTest();
        CompletableFuture<Void> typedWhileAway = t.write("echo \"x=$X\"\r".getBytes()); // waits for the new connection
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (states.getLast() != TerminalState.CONNECTED || states.size() < 3) {
            assertTrue(System.nanoTime() < end, "reattached: " + states);
            Thread.sleep(20);
        }
        assertEquals(List.of(TerminalState.CONNECTED, TerminalState.RECONNECTING, TerminalState.CONNECTED), states.subList(0, 3));
        get(typedWhileAway);
        String all = screen.await("x=42\r\n");
        assertEquals(2, all.split("mark-2", -1).length, "the replay after reattaching repeats nothing already shown: " + all);
        assertTrue(server.requests().stream().anyMatch(q -> q.startsWith("GET execd /pty/" + t.id() + "/ws")), server.requests().toString());
        t.close();
    }
}
