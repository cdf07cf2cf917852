package dev.sandtable.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.sandtable.dirwatch.AbstractDirectoryWatch;
import dev.sandtable.dirwatch.InotifyLines;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A directory watch inside a container: one exec runs {@code inotifywait} when the image has it, busybox
 * {@code inotifyd} for a non-recursive watch when it has that, and otherwise a shell loop that lists the tree
 * with {@code find | stat} every {@link #POLL_INTERVAL} ({@link TreeListing} turns two listings into events).
 * The mechanism (and a poll's resolution) is reported in {@link WatchState.Started#mechanism()}.
 */
final class DockerDirectoryWatch extends AbstractDirectoryWatch {
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final int KEEPALIVE_SCANS = 60;

    private final DockerEngine engine;
    private final long t0 = System.nanoTime();
    private final CompletableFuture<DirectoryWatch> started = new CompletableFuture<>();
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder errors = new StringBuilder();
    private volatile Closeable stream;
    private volatile String execId;
    private String mode;
    private TreeListing listing;
    private int scans;

    private DockerDirectoryWatch(DockerEngine engine, WatchRequest request, WatchListener listener, Clock clock) {
        super(request, listener, clock);
        this.engine = engine;
    }

    static CompletableFuture<DirectoryWatch> start(DockerEngine engine, String containerId, WatchRequest request, WatchListener listener, Clock clock) {
        DockerDirectoryWatch w = new DockerDirectoryWatch(engine, request, listener, clock);
        listener.onState(new WatchState.Connecting(clock.instant()));
        engine.async("watching " + request.path(), () -> {
            w.open(containerId);
            return null;
        }).whenComplete((v, e) -> {
            if (e != null) w.fail(SandtableException.of(e));
        });
        return w.started;
    }

    /** The script: checks the directory, picks the mechanism, says which on its first line, then streams. */
    static List<String> script(WatchRequest r, Duration poll) {
        String recursive = r.recursive() ? "-r" : "";
        String depth = r.recursive() ? "-mindepth 1" : "-mindepth 1 -maxdepth 1";
        double secs = poll.toMillis() / 1000.0;
        String s = "P=\"$1\"\n"
                + "[ -d \"$P\" ] || { echo \"@error no directory $P in the sandbox\"; echo \"no directory $P in the sandbox\" >&2; exit 2; }\n"
                + "if command -v inotifywait >/dev/null 2>&1; then echo '@mode inotifywait'; exec inotifywait -m -q " + recursive
                + " --format '" + InotifyLines.INOTIFYWAIT_FORMAT + "' -e " + InotifyLines.INOTIFYWAIT_EVENTS + " \"$P\"; fi\n"
                + (r.recursive() ? "" : "if command -v inotifyd >/dev/null 2>&1; then echo '@mode inotifyd'; exec inotifyd - \"$P:cewdnmy\"; fi\n")
                + "echo '@mode poll " + poll.toMillis() + "'\n"
                + "while :; do echo '@scan'; find \"$P\" " + depth + " -exec stat -c '%i|%s|%y|%F|%n' {} + 2>/dev/null; echo '@end'; sleep " + secs + "; done\n";
        return List.of("/bin/sh", "-c", s, "sh", r.path());
    }

    private void open(String containerId) throws InterruptedException {
        var client = engine.client();
        execId = client.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(true).withTty(false)
                .withCmd(script(request, POLL_INTERVAL).toArray(String[]::new)).exec().getId();
        java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        client.execStartCmd(execId).withDetach(false).withTty(false).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onStart(Closeable c) {
                super.onStart(c);
                stream = c;
                opened.countDown();
                if (!isOpen()) closeStream();
            }

            @Override
            public void onNext(Frame f) {
                if (f.getStreamType() == StreamType.STDERR) {
                    synchronized (errors) {
                        if (errors.length() < 2000) errors.append(new String(f.getPayload(), StandardCharsets.UTF_8));
                    }
                    return;
                }
                feed(f.getPayload());
            }

            @Override
            public void onError(Throwable t) {
                opened.countDown();
                if (isOpen()) ended(engine.map(t, "watching " + request.path())); // after close(): the stream we closed
            }

            @Override
            public void onComplete() {
                opened.countDown();
                ended(null);
            }
        });
        opened.await(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private synchronized void feed(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                handle(line.toString());
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
    }

    private void handle(String l) {
        if (!isOpen()) return;
        Instant now = clock.instant();
        if (l.startsWith("@error ")) {
            fail(new SandtableException(ErrorCode.NOT_FOUND, l.substring(7)));
        } else if (l.startsWith("@mode ")) {
            mode = l.substring(6);
            if (!mode.startsWith("poll")) started(now, mode + " (inotify in the sandbox)");
            else listing = new TreeListing(request.path());
        } else if (mode == null) {
            // nothing before the mode line
        } else if (mode.startsWith("poll")) {
            if (l.equals("@scan")) {
                listing.begin();
            } else if (l.equals("@end")) {
                boolean first = scans++ == 0;
                List<FsEvent> events = listing.end(now);
                if (first) started(now, "polling every " + POLL_INTERVAL.toMillis() + " ms (the sandbox has no inotifywait or inotifyd): changes within one interval merge, 1 s after-the-fact latency at worst");
                else for (FsEvent e : events) listener.onEvent(e);
                if (scans % KEEPALIVE_SCANS == 0) listener.onState(new WatchState.Keepalive(now));
            } else {
                listing.line(l);
            }
        } else if (mode.equals("inotifywait")) {
            FsEvent e = InotifyLines.inotifywait(l, request.path(), now);
            if (e != null) listener.onEvent(e);
        } else if (mode.equals("inotifyd")) {
            FsEvent e = InotifyLines.inotifyd(l, request.path(), now);
            if (e != null) listener.onEvent(e);
        }
    }

    private void started(Instant now, String mechanism) {
        listener.onState(new WatchState.Started(now, Duration.ofNanos(System.nanoTime() - t0), mechanism));
        started.complete(this);
    }

    private void fail(SandtableException e) {
        if (!isOpen()) return;
        endAndFail(started, e);
    }

    private void ended(SandtableException error) {
        if (!isOpen()) return;
        if (!started.isDone()) {
            // the script's own verdict first: a stream that ends early may also report a transport error
            String err;
            synchronized (errors) {
                err = errors.toString().strip();
            }
            if (err.contains("no directory") || exitCode() == 2)
                error = new SandtableException(ErrorCode.NOT_FOUND, "no directory " + request.path() + " in the sandbox");
            else if (error == null)
                error = new SandtableException(ErrorCode.INTERNAL, "the watch ended before it started"
                        + (err.isEmpty() ? " (does the sandbox have /bin/sh?)" : ": " + err));
        }
        if (error != null) endAndFail(started, error);
        else end(null);
    }

    /** The script's exit code (2: no such directory), or -1 when unknown. */
    private int exitCode() {
        try {
            for (int i = 0; i < 40; i++) { // the engine marks the exec ended a moment after its stream closes
                var ex = engine.client().inspectExecCmd(execId).exec();
                if (!Boolean.TRUE.equals(ex.isRunning())) return ex.getExitCodeLong() == null ? -1 : ex.getExitCodeLong().intValue();
                Thread.sleep(50);
            }
            return -1;
        } catch (RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void closeStream() {
        Closeable s = stream;
        if (s != null) try {
            s.close();
        } catch (java.io.IOException ignored) {
            // gone already
        }
    }

    @Override
    protected void stop() {
        closeStream();
    }
}
