package dev.sandtable.e2b.client;

import java.time.Duration;

/**
 * @param timeout          sent as {@code Connect-Timeout-Ms} and enforced here too; null for no deadline
 * @param keepaliveSeconds sent as {@code Keepalive-Ping-Interval}; 0 sends no header
 * @param silenceLimit     a stream with no frame at all for this long is presumed dropped; null to wait forever
 * @param deadlineGrace    how much longer than {@code timeout} this side waits before giving up (null: not at all), so
 *                         that a server ending the stream at its deadline is heard first
 */
public record StreamOptions(Duration timeout, int keepaliveSeconds, Duration silenceLimit, Duration deadlineGrace) {
    public StreamOptions(Duration timeout, int keepaliveSeconds, Duration silenceLimit) {
        this(timeout, keepaliveSeconds, silenceLimit, null);
    }

    /** The deadline this side enforces: the timeout plus the grace. */
    public Duration clientDeadline() {
        return timeout == null ? null : deadlineGrace == null ? timeout : timeout.plus(deadlineGrace);
    }

    /** No deadline; keepalives every {@code seconds}, and a stream silent for three intervals (plus 5 s) is dropped. */
    public static StreamOptions keepalive(int seconds) {
        return new StreamOptions(null, seconds, Duration.ofSeconds(3L * seconds + 5));
    }

    public StreamOptions withTimeout(Duration d) {
        return new StreamOptions(d, keepaliveSeconds, silenceLimit, deadlineGrace);
    }

    public StreamOptions withDeadlineGrace(Duration grace) {
        return new StreamOptions(timeout, keepaliveSeconds, silenceLimit, grace);
    }
}
