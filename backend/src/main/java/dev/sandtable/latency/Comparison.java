package dev.sandtable.latency;

/** A/B: one metric of one stream through two endpoints; ratio = b's p50 / a's p50. */
public record Comparison(StreamKind stream, String metric, String a, String b, double p50A, double p50B, double ratio,
                         Verdict verdictA, Verdict verdictB) {
}
