package dev.sandtable.latency;

import dev.sandtable.service.SandtableVersion;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The latency lab's engine: probes the streams of one sandbox's agent (envd, or OpenSandbox's execd) through one or more endpoints (A/B), repeating
 * each measurement into HdrHistograms, keeping every frame's arrival, and giving each stream a verdict
 * ({@link VerdictRule}). Runs on its own virtual thread; {@link ProbeListener} sees it live.
 *
 * <p>Order: for each stream, the evidence trial through every endpoint, then the iterations, endpoint after endpoint
 * within each iteration (so machine noise falls on all alike). A stream whose evidence trial is BUFFERED or FAILED
 * through an endpoint is not repeated there (each repetition would wait for the deadline); three failures in a row
 * stop a stream's iterations.
 */
public final class LatencyLab {
    /** How many failed iterations in a row end a stream's repetitions through an endpoint. */
    static final int GIVE_UP_AFTER = 3;

    private final List<ProbeTarget> targets;
    private final String sandboxId;
    private final String template;
    private final ProbeSettings settings;
    private final ProbeListener listener;
    private final ProbeRun run = new ProbeRun();
    private final long t0 = System.nanoTime();
    private final Instant startedAt = Instant.now();
    private final List<EndpointProbes> probes = new ArrayList<>();
    private volatile Protocol protocol = Protocol.ENVD;

    private LatencyLab(List<ProbeTarget> targets, String sandboxId, String template, ProbeSettings settings, ProbeListener listener) {
        this.targets = List.copyOf(targets);
        this.sandboxId = sandboxId;
        this.template = template;
        this.settings = settings;
        this.listener = listener == null ? ProbeListener.NONE : listener;
    }

    /**
     * Starts a run.
     *
     * @param targets   one endpoint, or two (or more) reaching the same sandbox for A/B; the first one's control plane
     *                  creates and kills a temporary sandbox when {@code sandboxId} is null
     * @param sandboxId the sandbox to probe, or null for a temporary one
     * @param template  the temporary sandbox's template (null: the platform's default)
     */
    public static ProbeRun start(List<ProbeTarget> targets, String sandboxId, String template, ProbeSettings settings, ProbeListener listener) {
        if (targets.isEmpty()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "nothing to probe: no endpoint");
        LatencyLab lab = new LatencyLab(targets, sandboxId, template, settings, listener);
        lab.run.onCancel(lab::interrupt);
        Thread.ofVirtual().name("latency-lab").start(lab::execute);
        return lab.run;
    }

    private void interrupt() {
        for (EndpointProbes p : List.copyOf(probes)) p.interrupt();
    }

    private void execute() {
        List<EndpointSummary> endpoints = new ArrayList<>();
        List<StreamResult> results = new ArrayList<>();
        String failure = null;
        String id = sandboxId;
        boolean temporary = false;
        LabPlatform platform = null;
        String dir = null;
        try {
            platform = LabPlatform.of(targets, settings, listener, t0);
            protocol = targets.getFirst().protocol();
            temporary = sandboxId == null && platform.canCreate();
            dir = platform.scratchDir(".sandtable-probe-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
            if (temporary) id = platform.createTemporary(template);
            for (int i = 0; i < targets.size(); i++) {
                LabPlatform.Connected c = platform.connect(i, id, temporary, dir);
                probes.add(c.probes());
                endpoints.add(c.summary());
                Listeners.call(() -> listener.endpointReady(c.summary()));
            }
            for (StreamKind kind : settings.streams()) {
                if (run.cancelled()) break;
                if (!kind.supports(protocol)) continue; // "all" names kinds of both agents
                results.addAll(probeStream(kind));
            }
            if (run.cancelled()) failure = "cancelled";
        } catch (SandtableException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            failure = "interrupted";
        } catch (RuntimeException e) {
            failure = "internal error: " + e;
        } finally {
            for (EndpointProbes p : probes) p.cleanup();
            if (platform != null) {
                if (!probes.isEmpty()) platform.removeDir(dir);
                if (temporary && id != null) {
                    try {
                        platform.destroy(id);
                    } catch (SandtableException | InterruptedException e) {
                        if (failure == null) failure = "could not kill the temporary sandbox " + id + ": " + e.getMessage();
                    }
                }
                platform.close();
            }
        }
        ProbeReport report = new ProbeReport("sandtable " + SandtableVersion.get(), startedAt, (System.nanoTime() - t0) / 1e6, settings,
                endpoints, results, Comparisons.of(results, targets), failure);
        Listeners.call(() -> listener.runFinished(report));
        run.future().complete(report);
    }

    private List<StreamResult> probeStream(StreamKind kind) throws InterruptedException {
        int n = probes.size();
        List<List<Trial>> trials = new ArrayList<>();
        List<Map<String, Histogram>> hist = new ArrayList<>();
        boolean[] skip = new boolean[n];
        int[] failedInRow = new int[n];
        String[] note = new String[n];
        for (int i = 0; i < n; i++) {
            trials.add(new ArrayList<>());
            hist.add(new LinkedHashMap<>());
        }
        if (kind.streaming(protocol)) {
            for (int i = 0; i < n && !run.cancelled(); i++) {
                Trial t = probes.get(i).run(kind, 0, true);
                add(kind, trials.get(i), hist.get(i), t);
                String held = VerdictRule.buffering(kind, t, probes.get(i).thresholds(kind, settings.thresholds()));
                if (held != null || t.failed() || kind == StreamKind.KEEPALIVE) {
                    skip[i] = true;
                    if (kind != StreamKind.KEEPALIVE) note[i] = "iterations skipped after the evidence trial";
                }
            }
        }
        for (int it = 0; it < settings.iterations() && !run.cancelled(); it++) {
            for (int i = 0; i < n && !run.cancelled(); i++) {
                if (skip[i]) continue;
                Trial t = probes.get(i).run(kind, it, false);
                add(kind, trials.get(i), hist.get(i), t);
                failedInRow[i] = t.failed() ? failedInRow[i] + 1 : 0;
                if (failedInRow[i] >= GIVE_UP_AFTER) {
                    skip[i] = true;
                    note[i] = "gave up after " + GIVE_UP_AFTER + " failures in a row";
                }
            }
        }
        List<StreamResult> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Metric> metrics = new ArrayList<>();
            EndpointProbes p = probes.get(i);
            // by name: a trial's measurements come in no fixed order, and reports should not reorder between runs
            new java.util.TreeMap<>(hist.get(i)).forEach((name, h) -> metrics.add(Metric.of(name, p.description(name), h)));
            VerdictRule.Decision d = VerdictRule.decide(kind, trials.get(i), metrics, p.thresholds(kind, settings.thresholds()));
            String reason = note[i] == null ? d.reason() : d.reason() + " (" + note[i] + ")";
            if (p.caveat(kind) != null) reason += "; " + p.caveat(kind);
            StreamResult r = new StreamResult(targets.get(i).label(), kind, d.verdict(), reason, metrics, trials.get(i));
            Listeners.call(() -> listener.streamFinished(r));
            out.add(r);
        }
        return out;
    }

    private static void add(StreamKind kind, List<Trial> trials, Map<String, Histogram> hist, Trial t) {
        trials.add(t);
        t.measurements().forEach((name, ms) -> record(hist, name, ms));
        if (kind == StreamKind.KEEPALIVE) {
            Double prev = null;
            for (Frame f : t.frames()) {
                // envd's first keepalive is due an interval after start; execd pings at init already, then every 3 s
                if (f.kind().equals("start")) prev = f.arrivedMs();
                else if (f.kind().equals("keepalive") || f.kind().equals("ping")) {
                    if (prev != null) record(hist, "interval", f.arrivedMs() - prev);
                    prev = f.arrivedMs();
                }
            }
            hist.computeIfAbsent("interval", k -> new Histogram(3));
        }
    }

    private static void record(Map<String, Histogram> hist, String name, double ms) {
        hist.computeIfAbsent(name, k -> new Histogram(3)).recordValue(Math.max(0, Math.round(ms * 1000)));
    }

}
