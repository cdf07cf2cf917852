package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.sandtable.e2b.server.E2bTestServer.b64;

/**
 * The three measurements that a buffering proxy spoils (envd-protocol.md §6.4), each against a given server (the
 * service or a proxy in front of it): WatchDir write-to-event, PTY input-to-echo, background Start-to-start event.
 * Each returns one duration in nanoseconds per round; a missing event blocks (callers use stream deadlines).
 */
final class StreamingLatencies {
    private StreamingLatencies() {
    }

    /** Writes a new file in {@code hostDir} (the sandbox's {@code sandboxDir}) per round; time until its event arrives. */
    static long[] watchDir(E2bTestServer server, E2bTestServer.Created sb, Path hostDir, String sandboxDir, int rounds) {
        long[] out = new long[rounds];
        String prefix = "f" + System.nanoTime() + "-";
        try (var w = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"" + sandboxDir + "\"}",
                Map.of("Keepalive-Ping-Interval", "50", "Connect-Timeout-Ms", "60000"))) {
            expect(w.next(), "start");
            for (int i = 0; i < rounds; i++) {
                String name = prefix + i;
                long t0 = System.nanoTime();
                Files.writeString(hostDir.resolve(name), "x");
                while (true) {
                    var m = w.next();
                    if (m == null || m.endStream()) throw new AssertionError("the watch ended before the event of " + name + ": " + m);
                    if (m.json().path("filesystem").path("name").asText().equals(name)) break;
                }
                out[i] = System.nanoTime() - t0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A PTY running cat: time from sending one character with SendInput until its echo arrives on the Start stream. */
    static long[] ptyEcho(E2bTestServer server, E2bTestServer.Created sb, int rounds) {
        long[] out = new long[rounds];
        try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"cat\"},\"pty\":{\"size\":{\"cols\":80,\"rows\":24}}}",
                Map.of("Keepalive-Ping-Interval", "50", "Connect-Timeout-Ms", "60000"))) {
            long pid = s.next().json().path("event").path("start").path("pid").asLong();
            try {
                for (int i = 0; i < rounds; i++) {
                    String marker = Character.toString('a' + (i % 26));
                    long t0 = System.nanoTime();
                    var sent = server.unary(sb, "process.Process/SendInput", "{\"process\":{\"pid\":" + pid + "},\"input\":{\"pty\":\"" + b64(marker) + "\"}}");
                    if (sent.status() != 200) throw new AssertionError("SendInput failed: " + sent);
                    StringBuilder echoed = new StringBuilder();
                    while (!echoed.toString().contains(marker)) {
                        var m = s.next();
                        if (m == null || m.endStream()) throw new AssertionError("the PTY stream ended before the echo of " + marker);
                        JsonNode d = m.json().path("event").path("data").path("pty");
                        if (!d.isMissingNode()) echoed.append(E2bTestServer.unb64(d));
                    }
                    out[i] = System.nanoTime() - t0;
                }
            } finally {
                server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":" + pid + "},\"signal\":\"SIGNAL_SIGKILL\"}");
            }
        }
        return out;
    }

    /** What {@code commands.run(cmd, {background: true})} waits for: Start of a long command until its start event. */
    static long[] backgroundStart(E2bTestServer server, E2bTestServer.Created sb, int rounds) {
        long[] out = new long[rounds];
        String req = "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-l\",\"-c\",\"sleep 30\"]},\"stdin\":false}";
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            try (var s = server.stream(sb, "process.Process/Start", req, Map.of("Keepalive-Ping-Interval", "50", "Connect-Timeout-Ms", "60000"))) {
                long pid = expect(s.next(), "start").path("pid").asLong();
                out[i] = System.nanoTime() - t0;
                server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":" + pid + "},\"signal\":\"SIGNAL_SIGKILL\"}");
                s.rest();
            }
        }
        return out;
    }

    private static JsonNode expect(E2bTestServer.Message m, String kind) {
        JsonNode n = m == null ? null : m.json().has("event") ? m.json().path("event") : m.json();
        if (n == null || !n.has(kind)) throw new AssertionError("expected a " + kind + " message, got " + (m == null ? "the end" : m.json()));
        return n.path(kind);
    }
}
