package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Both WatchDir implementations on real directories, and the inotify one's envd-specific event types. */
class DirWatchTest {
    @TempDir
    Path dir;

    private static void requireInotify() {
        Requirements.require(Inotify.AVAILABLE, "Linux inotify through java.lang.foreign ("
                + Inotify.UNAVAILABLE_REASON + "); run on Linux with --enable-native-access=ALL-UNNAMED");
    }

    private DirWatch open(String kind, boolean recursive) throws IOException {
        WatchTarget t = new WatchTarget("/inside", dir, recursive, false);
        if (kind.equals("inotify")) {
            requireInotify();
            return new InotifyDirWatch(t);
        }
        return new JdkDirWatch(t);
    }

    /** "TYPE name" strings until one matches (or fails after 10 s), in arrival order. */
    private static List<String> until(DirWatch w, Predicate<String> last) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ObjectNode ev = w.events().poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(ev).as("an event after " + seen).isNotNull();
            assertThat(ev.isEmpty()).as("the watch failed after " + seen + ": " + w.failure()).isFalse();
            String s = ev.path("filesystem").path("type").asText().replace("EVENT_TYPE_", "") + " "
                    + ev.path("filesystem").path("name").asText();
            seen.add(s);
            if (last.test(s)) return seen;
        }
    }

    private static List<String> drain(DirWatch w, long millis) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        ObjectNode ev;
        while ((ev = w.events().poll(millis, TimeUnit.MILLISECONDS)) != null)
            seen.add(ev.path("filesystem").path("type").asText().replace("EVENT_TYPE_", "") + " "
                    + ev.path("filesystem").path("name").asText());
        return seen;
    }

    @ParameterizedTest
    @ValueSource(strings = {"inotify", "jdk"})
    void bothSeeCreateWriteRemoveAndNewSubdirectoriesContents(String kind) throws Exception {
        Files.createDirectories(dir.resolve("old"));
        try (DirWatch w = open(kind, true)) {
            Files.writeString(dir.resolve("old/f.txt"), "x");
            assertThat(until(w, "CREATE old/f.txt"::equals)).contains("CREATE old/f.txt");
            Files.writeString(dir.resolve("old/f.txt"), "more");
            until(w, "WRITE old/f.txt"::equals);
            Files.createDirectories(dir.resolve("a/b"));
            Files.writeString(dir.resolve("a/b/g.txt"), "y");
            List<String> seen = until(w, s -> s.equals("CREATE a/b/g.txt"));
            assertThat(seen).contains("CREATE a", "CREATE a/b");
            Files.writeString(dir.resolve("a/b/g.txt"), "later");
            until(w, "WRITE a/b/g.txt"::equals);
            Files.delete(dir.resolve("old/f.txt"));
            until(w, "REMOVE old/f.txt"::equals);
        }
    }

    @Test
    void inotifyReportsRenameUnderTheOldNameAndCreateUnderTheNew() throws Exception {
        Files.writeString(dir.resolve("before.txt"), "x");
        try (DirWatch w = open("inotify", true)) {
            Files.move(dir.resolve("before.txt"), dir.resolve("after.txt"));
            List<String> seen = until(w, "CREATE after.txt"::equals);
            assertThat(seen).containsExactly("RENAME before.txt", "CREATE after.txt");
        }
    }

    @Test
    void inotifyReportsChmodAsChmodWithTheEntry() throws Exception {
        requireInotify();
        Path f = Files.writeString(dir.resolve("mode.txt"), "x");
        try (DirWatch w = new InotifyDirWatch(new WatchTarget("/inside", dir, false, true))) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
            ObjectNode ev = w.events().poll(10, TimeUnit.SECONDS);
            assertThat(ev).isNotNull();
            assertThat(ev.path("filesystem").path("type").asText()).isEqualTo("EVENT_TYPE_CHMOD");
            assertThat(ev.path("filesystem").path("name").asText()).isEqualTo("mode.txt");
            assertThat(ev.path("filesystem").path("entry").path("permissions").asText()).isEqualTo("-rwx------");
            assertThat(ev.path("filesystem").path("entry").path("path").asText()).isEqualTo("/inside/mode.txt");
            assertThat(drain(w, 200)).as("a chmod is not also a WRITE").isEmpty();
        }
    }

    @Test
    void aDirectoryMovedAwayStopsReportingAndOneMovedInIsWatchedAndAnnounced(@TempDir Path outside) throws Exception {
        requireInotify();
        Path watched = Files.createDirectories(dir.resolve("w"));
        Files.createDirectories(watched.resolve("sub/deeper"));
        Files.createDirectories(outside.resolve("incoming/inner"));
        Files.writeString(outside.resolve("incoming/inner/x.txt"), "x");
        try (InotifyDirWatch w = new InotifyDirWatch(new WatchTarget("/w", watched, true, false))) {
            assertThat(w.watchedDirectories()).isEqualTo(3);
            Files.move(watched.resolve("sub"), outside.resolve("sub"));
            assertThat(until(w, "RENAME sub"::equals)).containsExactly("RENAME sub");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.watchedDirectories() != 1 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(w.watchedDirectories()).as("sub and sub/deeper are no longer watched").isEqualTo(1);
            Files.writeString(outside.resolve("sub/deeper/gone.txt"), "not ours");

            Files.move(outside.resolve("incoming"), watched.resolve("incoming"));
            List<String> seen = until(w, "CREATE incoming/inner/x.txt"::equals);
            assertThat(seen).containsExactly("CREATE incoming", "CREATE incoming/inner", "CREATE incoming/inner/x.txt");
            assertThat(w.watchedDirectories()).isEqualTo(3);
            Files.writeString(watched.resolve("incoming/inner/y.txt"), "y");
            assertThat(until(w, "CREATE incoming/inner/y.txt"::equals)).as("nothing from the moved-away tree")
                    .noneMatch(s -> s.contains("gone"));
        }
    }

    @Test
    void nonRecursiveWatchesOnlyTheDirectoryItself() throws Exception {
        requireInotify();
        Files.createDirectories(dir.resolve("sub"));
        try (InotifyDirWatch w = new InotifyDirWatch(new WatchTarget("/inside", dir, false, false))) {
            Files.writeString(dir.resolve("sub/inner.txt"), "x");
            Files.writeString(dir.resolve("top.txt"), "x");
            assertThat(until(w, "CREATE top.txt"::equals)).noneMatch(s -> s.contains("inner"));
            assertThat(w.watchedDirectories()).isEqualTo(1);
        }
    }

    @Test
    void removingTheWatchedDirectoryEndsTheWatchWithAReason() throws Exception {
        requireInotify();
        Path root = Files.createDirectories(dir.resolve("root"));
        try (DirWatch w = new InotifyDirWatch(new WatchTarget("/root", root, true, false))) {
            Files.delete(root);
            ObjectNode ev;
            do {
                ev = w.events().poll(10, TimeUnit.SECONDS);
                assertThat(ev).isNotNull();
            } while (!ev.isEmpty());
            assertThat(w.failure()).isEqualTo("the watched directory /root was removed");
        }
    }

    @Test
    void aQueueOverflowEndsTheWatchWithAnError() throws Exception {
        requireInotify();
        try (InotifyDirWatch w = new InotifyDirWatch(new WatchTarget("/inside", dir, true, false))) {
            assertThat(w.handle(new Inotify.Event(-1, Inotify.IN_Q_OVERFLOW, 0, ""))).isFalse();
            ObjectNode ev = w.events().poll(5, TimeUnit.SECONDS);
            assertThat(ev).isNotNull();
            assertThat(ev.isEmpty()).isTrue();
            assertThat(w.failure()).contains("overflowed", "events were lost");
        }
    }

    @Test
    void closingReleasesTheInotifyDescriptorAndItsWatches() throws Exception {
        requireInotify();
        Files.createDirectories(dir.resolve("a/b/c"));
        long before = inotifyDescriptors();
        InotifyDirWatch w = new InotifyDirWatch(new WatchTarget("/inside", dir, true, false));
        assertThat(inotifyDescriptors()).isEqualTo(before + 1);
        assertThat(w.watchedDirectories()).isEqualTo(4);
        w.close();
        w.close();
        assertThat(inotifyDescriptors()).isEqualTo(before);
        assertThat(w.watchedDirectories()).isZero();
    }

    private static long inotifyDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().equals("anon_inode:inotify");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void typesFollowEnvdsOrderAndIgnoreCloseWrite() {
        assertThat(Inotify.types(Inotify.IN_CREATE | Inotify.IN_ATTRIB | Inotify.IN_MODIFY))
                .containsExactly("EVENT_TYPE_CREATE", "EVENT_TYPE_CHMOD", "EVENT_TYPE_WRITE");
        assertThat(Inotify.types(Inotify.IN_MOVED_FROM | Inotify.IN_ISDIR)).containsExactly("EVENT_TYPE_RENAME");
        assertThat(Inotify.types(Inotify.IN_MOVED_TO)).containsExactly("EVENT_TYPE_CREATE");
        assertThat(Inotify.types(Inotify.IN_DELETE_SELF)).containsExactly("EVENT_TYPE_REMOVE");
        assertThat(Inotify.types(Inotify.IN_CLOSE_WRITE)).isEmpty();
    }

    @Test
    void decodesPaddedRecordsAndStopsAtACutOne() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(128);
            ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
            long off = 0;
            off = record(buf, i32, off, 1, Inotify.IN_CREATE, 0, "héllo.txt", 16);
            off = record(buf, i32, off, -1, Inotify.IN_Q_OVERFLOW, 0, "", 0);
            long cut = record(buf, i32, off, 2, Inotify.IN_MODIFY, 0, "x", 16) - 4;
            List<Inotify.Event> events = Inotify.decode(buf, cut);
            assertThat(events).containsExactly(new Inotify.Event(1, Inotify.IN_CREATE, 0, "héllo.txt"),
                    new Inotify.Event(-1, Inotify.IN_Q_OVERFLOW, 0, ""));
        }
    }

    private static long record(MemorySegment buf, ValueLayout.OfInt i32, long off, int wd, int mask, int cookie, String name,
                               int len) {
        buf.set(i32, off, wd);
        buf.set(i32, off + 4, mask);
        buf.set(i32, off + 8, cookie);
        buf.set(i32, off + 12, len);
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, buf, off + 16, b.length);
        return off + 16 + len;
    }
}
