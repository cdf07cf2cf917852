package dev.sandtable.latency;

/**
 * Watches a run live. Called on the run's own threads (never the JavaFX thread; a view hands the calls over to its
 * pump), in order for one stream; a listener must return quickly and its exceptions are ignored.
 */
public interface ProbeListener {
    /** An endpoint is ready: its sandbox is known and its envd reachable. */
    default void endpointReady(EndpointSummary endpoint) {
    }

    /** A trial (one call) is about to send its request. */
    default void trialStarted(String endpoint, StreamKind stream, int iteration, boolean evidence) {
    }

    /** A frame arrived (its production instant filled in when the probe knows it). */
    default void frameArrived(String endpoint, StreamKind stream, int iteration, Frame frame) {
    }

    /** A trial ended, with its measurements. */
    default void trialFinished(String endpoint, StreamKind stream, Trial trial) {
    }

    /** A stream's probe is done through one endpoint: its verdict and percentiles. */
    default void streamFinished(StreamResult result) {
    }

    /** The run is over (also after a failure or cancel: the report keeps what was measured). */
    default void runFinished(ProbeReport report) {
    }

    ProbeListener NONE = new ProbeListener() {
    };
}
