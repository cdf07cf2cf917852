package dev.sandtable.latency;

import java.time.Duration;
import java.util.List;

/**
 * What a run does.
 *
 * @param streams      the probes, in order
 * @param iterations   repetitions of each probe's measurement (the evidence trial comes on top)
 * @param spreadWindow the evidence trials produce frames at 1/4, 1/2 and 1 of this after the request, and ask the server
 *                     to end the stream at 5/4 of it
 * @param callTimeout  every wait's deadline: a call, a frame, a stream's end (this side adds it to any server deadline)
 * @param keepalives   keepalive intervals (1 s each) the keepalive probe listens to
 * @param thresholds   the verdict rule's numbers
 */
public record ProbeSettings(List<StreamKind> streams, int iterations, Duration spreadWindow, Duration callTimeout, int keepalives,
                            Thresholds thresholds) {
    public ProbeSettings {
        streams = List.copyOf(streams);
        if (iterations < 1) throw new IllegalArgumentException("iterations must be at least 1");
        if (keepalives < 2) throw new IllegalArgumentException("keepalives must be at least 2");
    }

    public static ProbeSettings defaults() {
        return new ProbeSettings(List.of(StreamKind.values()), 20, Duration.ofSeconds(3), Duration.ofSeconds(10), 3, Thresholds.defaults());
    }

    public ProbeSettings withStreams(List<StreamKind> s) {
        return new ProbeSettings(s, iterations, spreadWindow, callTimeout, keepalives, thresholds);
    }

    public ProbeSettings withIterations(int n) {
        return new ProbeSettings(streams, n, spreadWindow, callTimeout, keepalives, thresholds);
    }

    public ProbeSettings withSpreadWindow(Duration d) {
        return new ProbeSettings(streams, iterations, d, callTimeout, keepalives, thresholds);
    }

    public ProbeSettings withCallTimeout(Duration d) {
        return new ProbeSettings(streams, iterations, spreadWindow, d, keepalives, thresholds);
    }

    public ProbeSettings withKeepalives(int n) {
        return new ProbeSettings(streams, iterations, spreadWindow, callTimeout, n, thresholds);
    }

    public ProbeSettings withThresholds(Thresholds t) {
        return new ProbeSettings(streams, iterations, spreadWindow, callTimeout, keepalives, t);
    }
}
