package dev.sandtable.latency;

/** The probes of one endpoint, whatever its protocol: one call per trial. */
interface EndpointProbes {
    Trial run(StreamKind kind, int iteration, boolean evidence) throws InterruptedException;

    /** What a metric times, for the report. */
    String description(String metric);

    /** The thresholds a stream is judged with (the polled watch adds its resolution to the DELAYED limit). */
    default Thresholds thresholds(StreamKind kind, Thresholds base) {
        return base;
    }

    /** What QA must know to read a stream's numbers (appended to the verdict's reason), or null. */
    default String caveat(StreamKind kind) {
        return null;
    }

    /** Ends whatever trial is in flight (cancel of the run). */
    void interrupt();

    /** Kills the helper processes and closes the long-lived streams this endpoint opened. */
    void cleanup();
}
