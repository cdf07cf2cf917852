package dev.sandtable.latency;

import java.util.List;
import java.util.Map;

/**
 * One call of a probe: a stream from request to end, with every frame's arrival.
 *
 * @param iteration    0-based; the evidence trial is -1
 * @param evidence     true for the trial whose frames are produced at spread-out times (the buffering test)
 * @param startedMs    when the request was sent, in milliseconds since the run started
 * @param headersMs    when the response headers arrived (ms since the request), null if they never did
 * @param frames       in arrival order
 * @param endedMs      when the stream ended (ms since the request), null if it was still open when the trial ended
 * @param ending       how it ended
 * @param error        the error it ended with, null when none
 * @param measurements what this trial measured, metric name to milliseconds
 */
public record Trial(int iteration, boolean evidence, double startedMs, Double headersMs, List<Frame> frames, Double endedMs,
                    Ending ending, String error, Map<String, Double> measurements) {
    public Trial {
        frames = List.copyOf(frames);
        measurements = Map.copyOf(measurements);
    }

    public enum Ending {
        /** the server ended the stream (end-of-stream envelope), possibly at the deadline the probe asked for */
        SERVER,
        /** the probe had what it needed and cancelled the stream */
        CANCELLED,
        /** nothing ended it before this side's deadline */
        CLIENT_DEADLINE,
        /** an error: refused, unreachable, cut, malformed */
        ERROR,
        /** a unary call, no stream */
        UNARY
    }

    /** A unary call's trial, which the probe ended as it ends a stream it has what it needs from, as {@link Ending#UNARY}. */
    Trial unary() {
        return ending != Ending.CANCELLED ? this
                : new Trial(iteration, evidence, startedMs, headersMs, frames, endedMs, Ending.UNARY, error, measurements);
    }

    public boolean failed() {
        return ending == Ending.ERROR || ending == Ending.CLIENT_DEADLINE;
    }
}
