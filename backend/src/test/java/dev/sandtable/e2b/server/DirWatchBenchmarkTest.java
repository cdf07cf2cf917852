package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.testing.Bench;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The watcher alone, without HTTP: a file written on the host to its event in the watch's queue, inotify and the JDK's
 * WatchService taking turns in blocks of 50 (so both see the same load). Printed, not asserted.
 * Run: {@code ./mvnw -B verify -Pbench -pl backend -Dtest=DirWatchBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class DirWatchBenchmarkTest {
    static final int BLOCKS = Bench.count(10), PER_BLOCK = Bench.count(50);

    @TempDir
    Path dir;

    @Test
    void writeToQueuedEvent() throws Exception {
        long[] inotify = new long[BLOCKS * PER_BLOCK], jdk = new long[BLOCKS * PER_BLOCK];
        for (int b = 0; b < BLOCKS; b++) {
            if (Inotify.AVAILABLE) {
                WatchTarget t = target("i" + b);
                measure(new InotifyDirWatch(t), t.root(), inotify, b);
            }
            WatchTarget t = target("j" + b);
            measure(new JdkDirWatch(t), t.root(), jdk, b);
        }
        System.out.println("DirWatch benchmark: " + BLOCKS + " blocks of " + PER_BLOCK + Bench.mark(BLOCKS * PER_BLOCK));
        if (Inotify.AVAILABLE) E2bLatencyBenchmarkTest.print("DirWatch inotify: write -> queued event", inotify);
        E2bLatencyBenchmarkTest.print("DirWatch JDK WatchService: write -> queued event", jdk);
    }

    private WatchTarget target(String name) throws Exception {
        return new WatchTarget("/" + name, Files.createDirectories(dir.resolve(name)), true, false);
    }

    private static void measure(DirWatch w, Path root, long[] into, int block) throws Exception {
        try (w) {
            // unmeasured rounds first: the JVM's first JSON event in the first block took seconds (class loading)
            for (int i = -3; i < PER_BLOCK; i++) {
                String name = "f" + i;
                Path file = root.resolve(name);
                long t0 = System.nanoTime();
                Files.writeString(file, "x");
                while (true) {
                    ObjectNode ev = w.events().poll(10, TimeUnit.SECONDS);
                    if (ev == null) throw new AssertionError("no event for " + name);
                    if (ev.path("filesystem").path("name").asText().equals(name)) break;
                }
                if (i >= 0) into[block * PER_BLOCK + i] = System.nanoTime() - t0;
                Thread.sleep(2);
                w.events().clear();
            }
        }
    }
}
