package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * WatchDir on Linux inotify, as envd's (fsnotify) sees it: RENAME for the old name of a move and CREATE for the new
 * one, CHMOD for attribute changes, WRITE for IN_MODIFY. Recursive watches follow the tree: a directory created or
 * moved in gets a watch, and what it already holds is announced as CREATE (what {@code mkdir -p a/b && touch a/b/f}
 * makes before the watch exists); a directory moved away loses its watches. A reader thread per watch polls the
 * inotify descriptor and an eventfd that {@link #close()} signals. An overflowed kernel queue ends the watch with an
 * error, since events were lost.
 */
final class InotifyDirWatch implements DirWatch {
    private static final int READ_BUFFER = 64 * 1024;
    private static final int SUBDIR_MASK = Inotify.WATCH_MASK | Inotify.IN_ONLYDIR | Inotify.IN_DONT_FOLLOW;

    private final WatchTarget target;
    private final int fd;
    private final int wakeFd;
    private final int rootWd;
    /** Watch descriptor → the host directory it watches. */
    private final Map<Integer, Path> dirs = new ConcurrentHashMap<>();
    private final BlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;
    private volatile String failure;

    InotifyDirWatch(WatchTarget target) throws IOException {
        this.target = target;
        this.fd = Inotify.init();
        int wake = -1;
        int root;
        try {
            wake = Inotify.eventfd();
            root = Inotify.addWatch(fd, target.root().toString(), Inotify.WATCH_MASK | Inotify.IN_ONLYDIR);
            dirs.put(root, target.root());
            if (target.recursive()) addTree(target.root(), false);
        } catch (IOException | RuntimeException e) {
            Inotify.close(fd);
            Inotify.close(wake);
            throw e;
        }
        this.wakeFd = wake;
        this.rootWd = root;
        this.reader = Thread.ofPlatform().daemon().name("envd-inotify " + target.insideRoot()).start(this::run);
    }

    @Override
    public BlockingQueue<ObjectNode> events() {
        return events;
    }

    @Override
    public String failure() {
        return failure;
    }

    /** How many directories are watched (for tests). */
    int watchedDirectories() {
        return dirs.size();
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(READ_BUFFER, 8);
            MemorySegment pollFds = arena.allocate(16, 8);
            while (!closed.get()) {
                if (!Inotify.pollReadable(pollFds, fd, wakeFd, -1)) return; // close() woke us
                long n = Inotify.read(fd, buf);
                for (Inotify.Event e : Inotify.decode(buf, n))
                    if (!handle(e)) return;
            }
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) fail("watching " + target.insideRoot() + " failed: " + e.getMessage());
        }
    }

    /** Turns one inotify record into envd events; false when the watch has ended. */
    boolean handle(Inotify.Event e) {
        if (e.is(Inotify.IN_Q_OVERFLOW)) {
            fail("too many changes at once: the kernel's inotify queue overflowed and events were lost"
                    + " (see /proc/sys/fs/inotify/max_queued_events); watch again to continue");
            return false;
        }
        Path dir = dirs.get(e.wd());
        if (dir == null) return true; // a watch dropped a moment ago (moved away); its last events do not count
        if (e.is(Inotify.IN_IGNORED) || e.is(Inotify.IN_UNMOUNT)) {
            dirs.remove(e.wd());
            if (e.wd() == rootWd) {
                fail("the watched directory " + target.insideRoot() + " was removed");
                return false;
            }
            return true;
        }
        if (e.name().isEmpty()) {
            // an event on a watched directory itself: a subdirectory's parent reports it under its name
            if (e.wd() != rootWd) return true;
            if (e.is(Inotify.IN_DELETE_SELF) || e.is(Inotify.IN_MOVE_SELF)) {
                fail("the watched directory " + target.insideRoot()
                        + (e.is(Inotify.IN_DELETE_SELF) ? " was removed" : " was moved away"));
                return false;
            }
            for (String type : Inotify.types(e.mask())) events.add(target.event(target.root(), type));
            return true;
        }
        Path child = dir.resolve(e.name());
        for (String type : Inotify.types(e.mask())) events.add(target.event(child, type));
        if (target.recursive() && e.is(Inotify.IN_ISDIR)) {
            if (e.is(Inotify.IN_MOVED_FROM)) dropTree(child);
            if (e.is(Inotify.IN_CREATE) || e.is(Inotify.IN_MOVED_TO)) {
                try {
                    watch(child);
                    addTree(child, true);
                } catch (Inotify.NativeError err) {
                    if (err.errno != 2 && err.errno != 20) { // ENOENT, ENOTDIR: already gone again
                        fail("watching " + target.insideRoot() + " failed: " + err.getMessage());
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void watch(Path dir) throws Inotify.NativeError {
        dirs.put(Inotify.addWatch(fd, dir.toString(), SUBDIR_MASK), dir);
    }

    /** Watches every directory below {@code top} (not top itself); announces each entry as CREATE if asked. */
    private void addTree(Path top, boolean announce) throws Inotify.NativeError {
        List<Path> below;
        try (Stream<Path> tree = Files.walk(top)) {
            below = tree.skip(1).toList();
        } catch (IOException | UncheckedIOException gone) {
            return; // removed while we looked; its removal is reported by its parent
        }
        for (Path p : below) {
            if (announce) events.add(target.event(p, "EVENT_TYPE_CREATE"));
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    watch(p);
                } catch (Inotify.NativeError err) {
                    if (err.errno != 2 && err.errno != 20) throw err;
                }
            }
        }
    }

    /** A directory moved away: its watches and those below it go, so its later events are not misnamed. */
    private void dropTree(Path top) {
        for (var it = dirs.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (entry.getKey() != rootWd && entry.getValue().startsWith(top)) {
                it.remove();
                Inotify.rmWatch(fd, entry.getKey());
            }
        }
    }

    private void fail(String why) {
        failure = why;
        events.add(ProtoJson.object()); // an empty message wakes the reader, who then sees failure()
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        Inotify.signal(wakeFd);
        try {
            reader.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // closing the inotify descriptor removes every watch it holds
        Inotify.close(fd);
        Inotify.close(wakeFd);
        dirs.clear();
    }
}
