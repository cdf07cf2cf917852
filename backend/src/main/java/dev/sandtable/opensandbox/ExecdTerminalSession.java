package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.e2b.ByteQueueInputStream;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalStateRelay;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A terminal over execd's bash sessions ({@code POST /session}, {@code POST /session/{id}/run}), for an execd without
 * PTY sessions (see {@link ExecdPtyTerminalSession}). This is a line-mode terminal: keys are echoed and
 * edited here (Backspace, Ctrl+C, Ctrl+U), Enter runs the line in the session (working directory and environment
 * persist between lines), and the run's stdout and stderr stream back as they arrive. Full-screen programs and
 * resizes do not work; {@code exit} ends the session.
 */
final class ExecdTerminalSession implements TerminalSession {
    private static final byte[] PROMPT = "$ ".getBytes(StandardCharsets.UTF_8);

    private final ExecdClient execd;
    private final String sessionId;
    private final ByteQueueInputStream output = new ByteQueueInputStream();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("execd-terminal").factory());
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final TerminalStateRelay states = new TerminalStateRelay();

    private ExecdTerminalSession(ExecdClient execd, String sessionId) {
        this.execd = execd;
        this.sessionId = sessionId;
    }

    /** {@code why} says, in the banner, why there is no real terminal. */
    static CompletableFuture<TerminalSession> start(ExecdClient execd, TerminalRequest request, String why) {
        return execd.createSession(request.cwd()).thenApply(id -> {
            ExecdTerminalSession s = new ExecdTerminalSession(execd, id);
            s.output.push(("execd shell session " + id + " in line mode (" + why + "): Enter runs the line; full-screen programs and resizing do not work\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (!request.command().isEmpty()) s.submit(String.join(" ", request.command()));
            else s.output.push(PROMPT);
            return s;
        });
    }

    @Override
    public String id() {
        return sessionId;
    }

    @Override
    public InputStream output() {
        return output;
    }

    /** Edits the line and echoes it; Enter sends it to execd. Runs in order on the caller's thread (cheap). */
    @Override
    public synchronized CompletableFuture<Void> write(byte[] input) {
        if (states.exit().isDone()) return CompletableFuture.failedFuture(new SandtableException(dev.sandtable.spi.ErrorCode.INVALID_STATE, "the session has ended"));
        for (byte b : input) {
            switch (b) {
                case '\r', '\n' -> {
                    String cmd = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    output.push("\r\n".getBytes(StandardCharsets.UTF_8));
                    submit(cmd);
                }
                case 0x7f, 0x08 -> {
                    byte[] cur = line.toByteArray();
                    if (cur.length > 0) {
                        line.reset();
                        int cut = cur.length - 1;
                        while (cut > 0 && (cur[cut] & 0xC0) == 0x80) cut--; // a whole UTF-8 character
                        line.write(cur, 0, cut);
                        output.push("\b \b".getBytes(StandardCharsets.UTF_8));
                    }
                }
                case 0x03 -> {
                    line.reset();
                    output.push("^C\r\n".getBytes(StandardCharsets.UTF_8));
                    output.push(PROMPT);
                }
                case 0x15 -> {
                    int n = line.toString(StandardCharsets.UTF_8).length();
                    line.reset();
                    output.push("\b \b".repeat(n).getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    if ((b & 0xff) >= 0x20 || b == '\t') {
                        line.write(b);
                        output.push(new byte[]{b});
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private void submit(String cmd) {
        if (cmd.trim().equals("exit")) {
            close(0);
            return;
        }
        runner.execute(() -> {
            if (!cmd.isBlank()) {
                try {
                    execd.runInSession(sessionId, cmd, this::event).join();
                } catch (RuntimeException e) {
                    output.push(("\u001b[31m" + SandtableException.of(e).getMessage() + "\u001b[0m\r\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!states.exit().isDone()) output.push(PROMPT);
        });
    }

    private void event(JsonNode e) {
        String type = e.path("type").asText("");
        String text = e.path("text").asText("");
        switch (type) {
            case "stdout" -> output.push(crlf(text).getBytes(StandardCharsets.UTF_8));
            case "stderr" -> output.push(("\u001b[31m" + crlf(text) + "\u001b[0m").getBytes(StandardCharsets.UTF_8));
            case "error" -> {
                String msg = text.isEmpty() ? e.path("error").toString() : text;
                output.push(("\u001b[31m" + crlf(msg) + "\u001b[0m\r\n").getBytes(StandardCharsets.UTF_8));
            }
            default -> {
            }
        }
    }

    /** Lines end with CR LF on a terminal; execd's text has LF only. */
    static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    /** No PTY behind it: there is nothing to resize. */
    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return states.exit();
    }

    @Override
    public void onState(Consumer<TerminalState> listener) {
        states.listen(listener);
    }

    @Override
    public void close() {
        close(-1);
    }

    private void close(int code) {
        if (!states.end(code)) return;
        execd.deleteSession(sessionId).exceptionally(e -> null);
        runner.shutdownNow();
        output.end();
    }
}
