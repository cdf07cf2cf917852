package dev.sandtable.app.latency;

import dev.sandtable.latency.Frame;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.Trial;
import dev.sandtable.latency.Verdict;

import java.util.List;

/**
 * One row of the timeline: a trial of one stream through one endpoint, with every frame's production and arrival.
 * The lane shows the evidence trial (frames produced at spread-out times) when the stream has one, else the latest.
 *
 * @param column    the endpoint as the verdicts name it ({@code direct}, or {@code B · proxy} when comparing runs)
 * @param headersMs when the response headers arrived (null: not yet, or never)
 * @param endedMs   when the stream ended (null: still open)
 * @param verdict   null while the stream is still being probed
 */
public record Lane(String column, StreamKind stream, boolean evidence, Double headersMs, Double endedMs, List<Frame> frames,
                   Verdict verdict, String reason) {
    public Lane {
        frames = List.copyOf(frames);
    }

    static Lane of(String column, StreamKind stream, Trial t, Verdict verdict, String reason) {
        return new Lane(column, stream, t.evidence(), t.headersMs(), t.endedMs(), t.frames(), verdict, reason);
    }

    /** The last instant the lane shows: its end, else its last frame's arrival or production. */
    public double spanMs() {
        double m = endedMs == null ? 0 : endedMs;
        if (headersMs != null) m = Math.max(m, headersMs);
        for (Frame f : frames) {
            m = Math.max(m, f.arrivedMs());
            if (f.producedMs() != null) m = Math.max(m, f.producedMs());
        }
        return m;
    }

    /** The evidence in numbers, one frame a line (the timeline's tooltip): what arrived when, produced when, delay. */
    public String evidenceText() {
        StringBuilder sb = new StringBuilder(title());
        sb.append(verdict == null ? " · running" : " · " + verdict).append('\n');
        if (reason != null) sb.append(reason).append('\n');
        sb.append(String.format(java.util.Locale.ROOT, "headers %s ms · end %s ms%n", ms(headersMs), ms(endedMs)));
        sb.append(String.format(java.util.Locale.ROOT, "%-12s %10s %10s %9s  %s%n", "frame", "produced", "arrived", "delay", "detail"));
        for (Frame f : frames) {
            String detail = f.detail() == null ? "" : f.detail().replaceAll("\\s+", " ").trim();
            if (detail.length() > 40) detail = detail.substring(0, 39) + "…";
            sb.append(String.format(java.util.Locale.ROOT, "%-12s %10s %10s %9s  %s%n", f.kind(), ms(f.producedMs()), ms(f.arrivedMs()),
                    ms(f.delayMs()), detail));
        }
        return sb.toString().stripTrailing();
    }

    private static String ms(Double v) {
        return v == null ? "—" : String.format(java.util.Locale.ROOT, "%.1f", v);
    }

    public String title() {
        return column + " · " + stream.cliName() + (evidence ? "" : " (latest trial)");
    }
}
