package dev.sandtable.latency;

/**
 * How a stream's frames travelled, worst last. The rule that decides it is {@link VerdictRule} (docs/latency-lab.md).
 */
public enum Verdict {
    /** Every frame arrived soon after it was produced. */
    PROMPT,
    /** Frames arrived late, but one by one: a slow sandbox or a slow network, not a buffering proxy. */
    DELAYED,
    /** Frames produced at spread-out times arrived together, at the stream's end or deadline: a buffering proxy. */
    BUFFERED,
    /** The probe could not run (unreachable, refused, the stream never started or was cut); see the reason. */
    FAILED;

    public Verdict worse(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
