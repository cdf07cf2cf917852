package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/**
 * The fallback where inotify cannot be called (not Linux, native access denied): the JDK's WatchService, made
 * recursive by registering every subdirectory, including those created while watching. It sees a rename as REMOVE +
 * CREATE and a chmod as a WRITE, and polls every few seconds on systems without a native watch service.
 */
final class JdkDirWatch implements DirWatch {
    private final WatchTarget target;
    private final String insideRoot;
    private final Path root;
    private final boolean recursive;
    private final WatchService service;
    private final Map<WatchKey, Path> dirs = new ConcurrentHashMap<>();
    private final BlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>();
    private volatile String failure;

    JdkDirWatch(WatchTarget target) throws IOException {
        this.target = target;
        this.insideRoot = target.insideRoot();
        this.root = target.root();
        this.recursive = target.recursive();
        this.service = FileSystems.getDefault().newWatchService();
        register(root);
        // a platform thread, as InotifyDirWatch: a watch must not wait for a carrier that pinned virtual threads hold
        Thread.ofPlatform().daemon().name("envd-watch " + root).start(this::run);
    }

    @Override
    public BlockingQueue<ObjectNode> events() {
        return events;
    }

    @Override
    public String failure() {
        return failure;
    }

    private void register(Path dir) throws IOException {
        if (!recursive) {
            dirs.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE), dir);
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path d : tree.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList())
                dirs.put(d.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE), d);
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = dirs.get(key);
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) continue;
                    Path child = dir.resolve((Path) e.context());
                    String type = e.kind() == StandardWatchEventKinds.ENTRY_CREATE ? "EVENT_TYPE_CREATE"
                            : e.kind() == StandardWatchEventKinds.ENTRY_DELETE ? "EVENT_TYPE_REMOVE" : "EVENT_TYPE_WRITE";
                    if (recursive && type.equals("EVENT_TYPE_CREATE") && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                        events.add(event(child, type));
                        try {
                            register(child);
                            announceContents(child);
                        } catch (IOException | java.io.UncheckedIOException gone) {
                            // removed again already
                        }
                        continue;
                    }
                    events.add(event(child, type));
                }
                if (!key.reset()) {
                    dirs.remove(key);
                    if (dir.equals(root)) {
                        fail("the watched directory " + insideRoot + " was removed");
                        return;
                    }
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException closed) {
            // stopped
        } catch (RuntimeException e) {
            fail("watching " + insideRoot + " failed: " + e.getMessage());
        }
    }

    /** What appeared in a new directory before its watch was registered (mkdir -p a/b && touch a/b/f). */
    private void announceContents(Path dir) throws IOException {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.skip(1).toList()) events.add(event(p, "EVENT_TYPE_CREATE"));
        }
    }

    private ObjectNode event(Path child, String type) {
        return target.event(child, type);
    }

    private void fail(String why) {
        failure = why;
        events.add(ProtoJson.object()); // an empty message wakes the reader, who then sees failure()
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
