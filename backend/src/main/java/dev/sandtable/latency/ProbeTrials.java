package dev.sandtable.latency;

import dev.sandtable.spi.SandtableException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trial loop every endpoint's probes share, whatever its protocol: a recorder per trial, the stream the trial
 * opened cancelled at its end, a unary call's trial marked as such, and a cancel of the run that ends the trial in
 * flight. Subclasses say how each {@link StreamKind} is probed over their protocol; {@code S} is their stream.
 */
abstract class ProbeTrials<S> implements EndpointProbes {
    protected final String label;
    protected final ProbeSettings settings;
    protected final long runT0;
    private final ProbeListener listener;
    private final Protocol protocol;
    private final Map<String, String> descriptions;
    private volatile TrialRecorder active;
    private volatile S activeStream;

    ProbeTrials(String label, Protocol protocol, Map<String, String> descriptions, ProbeSettings settings, ProbeListener listener, long runT0) {
        this.label = label;
        this.protocol = protocol;
        this.descriptions = descriptions;
        this.settings = settings;
        this.listener = listener;
        this.runT0 = runT0;
    }

    /** Probes {@code kind} once, recording into {@code r} and putting what it measured into {@code m}. */
    protected abstract void probe(StreamKind kind, TrialRecorder r, Map<String, Double> m, boolean evidence) throws InterruptedException;

    protected abstract void cancel(S stream);

    /** The stream the trial in flight opened: cancelled when the trial ends, or when the run is cancelled. */
    protected final S opened(S stream) {
        activeStream = stream;
        return stream;
    }

    @Override
    public final Trial run(StreamKind kind, int iteration, boolean evidence) throws InterruptedException {
        TrialRecorder r = new TrialRecorder(label, kind, iteration, evidence, listener, runT0);
        active = r;
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            probe(kind, r, m, evidence);
        } catch (SandtableException e) {
            r.failed(e.getMessage());
        } finally {
            S st = activeStream;
            if (st != null) {
                cancel(st);
                r.cancelled(); // nothing when the stream had ended
            }
            activeStream = null;
        }
        boolean unary = !kind.streaming(protocol);
        if (unary && r.error() == null) r.cancelled();
        Trial t = r.trial(m);
        return unary ? t.unary() : t;
    }

    @Override
    public final void interrupt() {
        S st = activeStream;
        if (st != null) cancel(st);
        TrialRecorder r = active;
        if (r != null) r.failed("the run was cancelled");
    }

    @Override
    public final String description(String metric) {
        return descriptions.getOrDefault(metric, metric);
    }

    /** The deadline of a wait: the call timeout from now, plus {@code extra}. */
    protected final long deadline(Duration extra) {
        return System.nanoTime() + settings.callTimeout().toNanos() + (extra == null ? 0 : extra.toNanos());
    }

    /** When an evidence trial produces its frames: 1/4, 1/2 and 1 of the spread window after its request. */
    protected final long[] scheduleMs() {
        long w = settings.spreadWindow().toMillis();
        return new long[]{w / 4, w / 2, w};
    }

    protected final Frame need(Frame f, TrialRecorder r, String what) {
        return r.need(f, what, settings.callTimeout().toMillis());
    }
}
