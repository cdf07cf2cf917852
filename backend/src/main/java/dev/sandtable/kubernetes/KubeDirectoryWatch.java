package dev.sandtable.kubernetes;

import dev.sandtable.dirwatch.AbstractDirectoryWatch;
import dev.sandtable.dirwatch.FileStamp;
import dev.sandtable.dirwatch.InotifyLines;
import dev.sandtable.dirwatch.ListingDiff;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A directory watch in a pod. With {@code inotifywait} in the image: one long exec of {@code inotifywait -m} whose
 * lines become events ({@link InotifyLines}). Without it: an exec of {@code find … -exec stat} every {@link #POLL_INTERVAL},
 * diffed by {@link ListingDiff}.
 */
final class KubeDirectoryWatch extends AbstractDirectoryWatch {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
    static final String PROBE = "command -v inotifywait";

    private volatile ExecWatch exec;
    private volatile ScheduledFuture<?> poller;

    private KubeDirectoryWatch(WatchRequest request, WatchListener listener, Clock clock) {
        super(request, listener, clock);
    }

    static KubeDirectoryWatch start(KubernetesClient client, String ns, KubernetesBackend.PodRef pod, WatchRequest request,
                                    WatchListener listener, ScheduledExecutorService timer, ExecutorService io, Clock clock) {
        KubeDirectoryWatch w = new KubeDirectoryWatch(request, listener, clock);
        Instant asked = clock.instant();
        listener.onState(new WatchState.Connecting(asked));
        Run probe = run(client, ns, pod, List.of("sh", "-c", PROBE));
        if (probe.exit() == 0 && !probe.out().isBlank()) w.inotify(client, ns, pod, io, asked);
        else w.poll(client, ns, pod, timer, asked);
        return w;
    }

    /** inotifywait's output format: "EVENTS|PATH" per line. */
    static List<String> inotifyCommand(WatchRequest r) {
        List<String> c = new ArrayList<>(List.of("inotifywait", "-m", "-q"));
        if (r.recursive()) c.add("-r");
        c.addAll(List.of("-e", InotifyLines.INOTIFYWAIT_EVENTS, "--format", InotifyLines.INOTIFYWAIT_FORMAT, r.path()));
        return c;
    }

    static List<String> pollCommand(WatchRequest r) {
        String depth = r.recursive() ? "" : " -maxdepth 1";
        return List.of("sh", "-c", "find \"$0\" -mindepth 1" + depth + " -exec stat -c '%Y %s %F|%n' {} +", r.path());
    }

    private void inotify(KubernetesClient client, String ns, KubernetesBackend.PodRef pod, ExecutorService io, Instant asked) {
        ExecWatch e = container(client, ns, pod).redirectingOutput().exec(inotifyCommand(request).toArray(String[]::new));
        exec = e;
        listener.onState(new WatchState.Started(clock.instant(), Duration.between(asked, clock.instant())));
        io.execute(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(e.getOutput(), StandardCharsets.UTF_8))) {
                String line;
                while (isOpen() && (line = r.readLine()) != null) {
                    FsEvent ev = InotifyLines.inotifywait(line, request.path(), clock.instant());
                    if (ev != null) listener.onEvent(ev);
                }
                end(null);
            } catch (IOException ex) {
                end(isOpen() ? new SandtableException(ErrorCode.UNAVAILABLE, "the watch's exec stream broke: " + ex.getMessage()) : null);
            }
        });
    }

    private void poll(KubernetesClient client, String ns, KubernetesBackend.PodRef pod, ScheduledExecutorService timer, Instant asked) {
        Map<String, FileStamp> first = listing(client, ns, pod);
        @SuppressWarnings("unchecked")
        Map<String, FileStamp>[] last = new Map[]{first};
        listener.onState(new WatchState.Started(clock.instant(), Duration.between(asked, clock.instant())));
        poller = timer.scheduleWithFixedDelay(() -> {
            if (!isOpen()) return;
            try {
                Map<String, FileStamp> now = listing(client, ns, pod);
                for (FsEvent e : ListingDiff.diff(last[0], now, clock.instant())) listener.onEvent(e);
                last[0] = now;
            } catch (RuntimeException e) {
                end(new SandtableException(ErrorCode.UNAVAILABLE, "polling " + request.path() + " failed: " + e.getMessage()));
            }
        }, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Map<String, FileStamp> listing(KubernetesClient client, String ns, KubernetesBackend.PodRef pod) {
        Run r = run(client, ns, pod, pollCommand(request));
        return parseListing(r.out(), request.path());
    }

    /** "MTIME SIZE TYPE|PATH" lines ({@code stat -c '%Y %s %F|%n'}) as stamps by relative path; other lines are skipped. */
    static Map<String, FileStamp> parseListing(String out, String root) {
        Map<String, FileStamp> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.split(" ", 3);
            int bar = parts.length == 3 ? parts[2].indexOf('|') : -1;
            if (bar < 0) continue;
            try {
                m.put(ListingDiff.relative(parts[2].substring(bar + 1), root), new FileStamp(null, Long.parseLong(parts[1]),
                        Instant.ofEpochSecond(Long.parseLong(parts[0])), 0, parts[2].substring(0, bar).contains("directory")));
            } catch (NumberFormatException e) {
                // a line cut short
            }
        }
        return m;
    }

    private record Run(int exit, String out) {
    }

    private static io.fabric8.kubernetes.client.dsl.ContainerResource container(KubernetesClient client, String ns, KubernetesBackend.PodRef pod) {
        var p = client.pods().inNamespace(ns).withName(pod.pod());
        return pod.container() == null ? p : p.inContainer(pod.container());
    }

    /** Runs a command to its end and returns its exit code and output. */
    private static Run run(KubernetesClient client, String ns, KubernetesBackend.PodRef pod, List<String> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExecWatch e = container(client, ns, pod).writingOutput(out).exec(command.toArray(String[]::new))) {
            Integer code = e.exitCode().get(30, TimeUnit.SECONDS);
            return new Run(code == null ? -1 : code, out.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandtableException(ErrorCode.UNAVAILABLE, "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SandtableException(ErrorCode.UNAVAILABLE, "exec of " + command.getFirst() + " in pod " + pod.pod() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    protected void stop() {
        ExecWatch e = exec;
        if (e != null) e.close();
        ScheduledFuture<?> p = poller;
        if (p != null) p.cancel(false);
    }
}
