package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

import static dev.sandtable.e2b.server.E2bTestServer.b64;

/**
 * Latencies of the E2B server on the default local runtime (bubblewrap when it works here), printed, not asserted:
 * Process/Start to its start event and to its end, WatchDir write-to-event, PTY input-to-echo.
 * Run: {@code ./mvnw -B verify -Pbench -pl backend -Dtest=E2bLatencyBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class E2bLatencyBenchmarkTest {
    static final int ROUNDS = Bench.count(100);
    static final int WARMUP = Bench.count(10);

    @TempDir
    Path dir;

    @Test
    void latencies() throws Exception {
        try (E2bTestServer server = new E2bTestServer(dir, LocalRuntimeOptions.defaults().withStopGrace(Duration.ofMillis(300)))) {
            var sb = server.create("{\"templateID\":\"base\"}");
            String local = server.runtime.inventory().sandboxes().getFirst().id();
            Path ws = server.runtime.workspace(local);
            System.out.println("isolation: " + server.runtime.isolation().detail() + Bench.mark(ROUNDS));

            long[] toStart = new long[ROUNDS], toEnd = new long[ROUNDS];
            for (int i = 0; i < ROUNDS + WARMUP; i++) {
                long t0 = System.nanoTime();
                try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"true\"},\"stdin\":false}")) {
                    s.next();
                    long t1 = System.nanoTime();
                    s.rest();
                    long t2 = System.nanoTime();
                    if (i >= WARMUP) {
                        toStart[i - WARMUP] = t1 - t0;
                        toEnd[i - WARMUP] = t2 - t0;
                    }
                }
            }
            print("Process/Start request -> start event", toStart);
            print("Process/Start `true` request -> end of stream", toEnd);

            Files.createDirectories(ws.resolve("watched"));
            long[] watch = new long[ROUNDS];
            try (var w = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"watched\",\"recursive\":true}")) {
                w.next();
                for (int i = 0; i < ROUNDS; i++) {
                    String name = "f" + i;
                    long t0 = System.nanoTime();
                    Files.writeString(ws.resolve("watched").resolve(name), "x");
                    while (true) {
                        JsonNode ev = w.next().json();
                        if (ev.path("filesystem").path("name").asText().equals(name)) break;
                    }
                    watch[i] = System.nanoTime() - t0;
                    // drain the WRITE that follows the CREATE
                    Thread.sleep(5);
                }
            }
            print("WatchDir host write -> event received", watch);

            long[] echo = new long[ROUNDS];
            try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"cat\"},\"pty\":{\"size\":{\"cols\":80,\"rows\":24}}}",
                    Map.of("Keepalive-Ping-Interval", "50"))) {
                long pid = s.next().json().path("event").path("start").path("pid").asLong();
                for (int i = 0; i < ROUNDS; i++) {
                    String marker = Character.toString('a' + (i % 26));
                    long t0 = System.nanoTime();
                    server.unary(sb, "process.Process/SendInput", "{\"process\":{\"pid\":" + pid + "},\"input\":{\"pty\":\"" + b64(marker) + "\"}}");
                    StringBuilder out = new StringBuilder();
                    while (!out.toString().contains(marker)) {
                        JsonNode d = s.next().json().path("event").path("data").path("pty");
                        if (!d.isMissingNode()) out.append(E2bTestServer.unb64(d));
                    }
                    echo[i] = System.nanoTime() - t0;
                }
                server.unary(sb, "process.Process/SendSignal", "{\"process\":{\"pid\":" + pid + "},\"signal\":\"SIGNAL_SIGKILL\"}");
            }
            print("PTY SendInput -> echo received", echo);
        }
    }

    static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-48s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (n=%d)%n", what,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6, s.length);
    }
}
