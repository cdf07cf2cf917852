package dev.sandtable.latency;

/**
 * The verdict rule's numbers (docs/latency-lab.md, "Reading the verdicts").
 *
 * @param delayedMs     a metric whose p50 is above this is DELAYED
 * @param minSpreadMs   frames are "produced at spread-out times" when their production instants span at least this
 * @param bunchFraction frames produced over a span P are "arrived together" when their arrivals span at most this × P
 * @param endSlackMs    "held until the end": the headers and first frame arrived within this of the stream's end
 */
public record Thresholds(double delayedMs, double minSpreadMs, double bunchFraction, double endSlackMs) {
    public static Thresholds defaults() {
        return new Thresholds(500, 300, 0.25, 100);
    }

    public Thresholds withDelayedMs(double ms) {
        return new Thresholds(ms, minSpreadMs, bunchFraction, endSlackMs);
    }
}
