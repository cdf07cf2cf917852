package dev.sandtable.opensandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.dirwatch.AbstractDirectoryWatch;
import dev.sandtable.dirwatch.FileStamp;
import dev.sandtable.dirwatch.ListingDiff;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The polling fallback for a directory watch: execd has no watch, so its {@code GET /directories/list} is read every
 * interval and successive listings are compared by {@link ListingDiff} (new path: CREATE; gone: REMOVE; a file's size
 * or modification time changed: WRITE; mode changed: CHMOD). The interval is the resolution, and {@link WatchState.Started} says so: an event
 * arrives up to one interval late, and several changes to one file within an interval are one event. The latency
 * of an event is its arrival minus the entry's {@code modified_at} (so it includes the wait for the poll).
 */
public final class ExecdDirectoryWatch extends AbstractDirectoryWatch {
    /** How deep a recursive watch lists (execd's {@code depth}). */
    static final int RECURSIVE_DEPTH = 32;

    private final ExecdClient execd;
    private final Duration interval;
    private volatile Thread thread;

    private ExecdDirectoryWatch(ExecdClient execd, WatchRequest request, WatchListener listener, Duration interval, Clock clock) {
        super(request, listener, clock);
        this.execd = execd;
        this.interval = interval;
    }

    /** Lists once (so a missing directory fails the future), then polls on a virtual thread. */
    public static CompletableFuture<DirectoryWatch> start(ExecdClient execd, WatchRequest request, WatchListener listener, Duration interval, Clock clock) {
        ExecdDirectoryWatch w = new ExecdDirectoryWatch(execd, request, listener, interval, clock);
        Instant asked = clock.instant();
        long t0 = System.nanoTime();
        listener.onState(new WatchState.Connecting(asked));
        CompletableFuture<DirectoryWatch> started = new CompletableFuture<>();
        w.list().whenComplete((first, e) -> {
            if (e != null) {
                w.endAndFail(started, SandtableException.of(e));
                return;
            }
            listener.onState(new WatchState.Started(clock.instant(), Duration.ofNanos(System.nanoTime() - t0),
                    "polling every " + interval.toMillis() + " ms (execd has no directory watch): changes within one interval merge"));
            w.thread = Thread.ofVirtual().name("execd-watch").start(() -> w.run(first));
            started.complete(w);
        });
        return started;
    }

    private CompletableFuture<Map<String, FileStamp>> list() {
        String root = request.path().endsWith("/") && request.path().length() > 1 ? request.path().substring(0, request.path().length() - 1) : request.path();
        return execd.listDirectory(root, request.recursive() ? RECURSIVE_DEPTH : 1).thenApply(arr -> {
            Map<String, FileStamp> m = new HashMap<>();
            if (arr != null) for (JsonNode n : arr)
                m.put(ListingDiff.relative(n.path("path").asText(""), root), new FileStamp(null, n.path("size").asLong(),
                        time(n.path("modified_at").asText("")), n.path("mode").asLong(), n.path("type").asText("").equals("directory")));
            return m;
        });
    }

    private void run(Map<String, FileStamp> before) {
        while (isOpen()) {
            LockSupport.parkNanos(interval.toNanos());
            if (!isOpen()) return;
            Map<String, FileStamp> now;
            try {
                now = list().get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                end(SandtableException.of(e));
                return;
            }
            if (!isOpen()) return;
            Instant at = clock.instant();
            List<FsEvent> events = ListingDiff.diff(before, now, at);
            for (FsEvent e : events) listener.onEvent(e);
            if (events.isEmpty()) listener.onState(new WatchState.Keepalive(at));
            before = now;
        }
    }

    private static Instant time(String modified) {
        try {
            return java.time.OffsetDateTime.parse(modified).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    @Override
    protected void stop() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }
}
