package dev.sandtable.latency;

/**
 * One frame of a stream as it arrived. Times are milliseconds since the trial's request was sent.
 *
 * @param kind       the message kind: {@code start}, {@code data}, {@code filesystem}, {@code keepalive}, {@code end},
 *                   or {@code end-stream} for the Connect end-of-stream envelope
 * @param producedMs when the frame's content was produced, when known: the instant the probe wrote the file or sent
 *                   the input it reports, or the timestamp the probe's command printed (mapped onto this machine's
 *                   clock); null when unknown
 * @param arrivedMs  when this side read it
 * @param detail     a short description (the file name, the echoed text, the pid)
 */
public record Frame(String kind, Double producedMs, double arrivedMs, String detail) {
    /** arrived minus produced, or null when the production instant is unknown. */
    public Double delayMs() {
        return producedMs == null ? null : arrivedMs - producedMs;
    }

    public Frame withProduced(Double produced) {
        return new Frame(kind, produced, arrivedMs, detail);
    }
}
