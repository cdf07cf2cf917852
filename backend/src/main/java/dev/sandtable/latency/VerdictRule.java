package dev.sandtable.latency;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides a stream's verdict from its trials and percentiles. The rule, in order (docs/latency-lab.md):
 * <ol>
 * <li><b>BUFFERED</b> when some trial shows either
 *   <ul><li><i>bunching</i>: frames whose production instants span P ≥ {@code minSpreadMs} arrived within
 *   {@code bunchFraction} × P of each other (for keepalives, due every second from envd and every 3 s from execd, P is their expected span), or</li>
 *   <li><i>held until the end</i>: the server ended a stream that lasted at least {@code minSpreadMs}, and its response
 *   headers and first frame arrived within {@code endSlackMs} of that end.</li></ul>
 *   A slow sandbox cannot produce either: it produces late, but what it produced travels at once.</li>
 * <li><b>FAILED</b> when a trial failed (refused, unreachable, cut, no answer by the deadline).</li>
 * <li><b>DELAYED</b> when the p50 of a metric exceeds {@code delayedMs} (for keepalives: the median interval exceeds
 *   1.5 × their cadence). The reason says whether the headers were late too (the network or proxy is slow) or only the frames (the
 *   sandbox is slow to produce).</li>
 * <li><b>PROMPT</b> otherwise.</li>
 * </ol>
 */
public final class VerdictRule {
    private VerdictRule() {
    }

    public record Decision(Verdict verdict, String reason) {
    }

    public static Decision decide(StreamKind kind, List<Trial> trials, List<Metric> metrics, Thresholds t) {
        for (Trial trial : trials) {
            String held = buffering(kind, trial, t);
            if (held != null) return new Decision(Verdict.BUFFERED, held);
        }
        List<Trial> failed = trials.stream().filter(Trial::failed).toList();
        if (!failed.isEmpty()) {
            Trial f = failed.getFirst();
            String which = f.evidence() ? "the evidence trial" : "iteration " + f.iteration();
            return new Decision(Verdict.FAILED, failed.size() + " of " + trials.size() + " calls failed; " + which + ": "
                    + (f.error() != null ? f.error() : noAnswer(f)));
        }
        if (trials.isEmpty()) return new Decision(Verdict.FAILED, "nothing was measured");
        List<String> slow = new ArrayList<>();
        if (kind == StreamKind.KEEPALIVE && metrics.stream().noneMatch(m -> m.name().equals("interval") && m.count() > 0))
            slow.add("no two keepalive frames arrived while the stream was idle");
        double keepaliveMs = trials.stream().flatMap(x -> x.frames().stream()).filter(f -> isKeepalive(f.kind()))
                .findFirst().map(f -> Protocol.ofKeepalive(f.kind()).keepaliveMs()).orElse(Protocol.ENVD.keepaliveMs());
        for (Metric m : metrics) {
            double limit = kind == StreamKind.KEEPALIVE && m.name().equals("interval") ? 1.5 * keepaliveMs : t.delayedMs();
            if (kind == StreamKind.KEEPALIVE && m.name().equals("start")) continue;
            if (m.count() > 0 && m.p50Ms() > limit)
                slow.add(String.format(Locale.ROOT, "%s p50 %.1f ms > %.0f ms", m.name(), m.p50Ms(), limit));
        }
        if (!slow.isEmpty()) return new Decision(Verdict.DELAYED, String.join("; ", slow) + "; " + cause(trials, t));
        return new Decision(Verdict.PROMPT, summary(metrics) + evidenceSummary(trials));
    }

    private static String noAnswer(Trial f) {
        return f.headersMs() == null ? "no response at all (not even headers) by the deadline: the stream never started"
                : "the stream did not end by the deadline";
    }

    /** Why a trial looks held back by a proxy, or null. */
    static String buffering(StreamKind kind, Trial trial, Thresholds t) {
        List<Frame> frames = trial.frames();
        List<Frame> known = frames.stream().filter(f -> f.producedMs() != null).toList();
        double produceSpan, arriveSpan;
        int n;
        if (kind == StreamKind.KEEPALIVE) {
            List<Frame> ka = frames.stream().filter(f -> isKeepalive(f.kind())).toList();
            n = ka.size();
            produceSpan = n < 2 ? 0 : (n - 1) * (double) Protocol.ofKeepalive(ka.getFirst().kind()).keepaliveMs();
            arriveSpan = n < 2 ? 0 : ka.getLast().arrivedMs() - ka.getFirst().arrivedMs();
        } else {
            n = known.size();
            produceSpan = n < 2 ? 0 : known.stream().mapToDouble(Frame::producedMs).max().orElse(0)
                    - known.stream().mapToDouble(Frame::producedMs).min().orElse(0);
            arriveSpan = n < 2 ? 0 : known.stream().mapToDouble(Frame::arrivedMs).max().orElse(0)
                    - known.stream().mapToDouble(Frame::arrivedMs).min().orElse(0);
        }
        if (n >= 2 && produceSpan >= t.minSpreadMs() && arriveSpan <= t.bunchFraction() * produceSpan)
            return String.format(Locale.ROOT, "%d frames produced over %.0f ms arrived within %.0f ms of each other%s",
                    n, produceSpan, arriveSpan, endNote(trial));
        if (trial.ending() == Trial.Ending.SERVER && trial.endedMs() != null && trial.endedMs() >= t.minSpreadMs()
                && trial.headersMs() != null && !frames.isEmpty()
                && trial.endedMs() - trial.headersMs() <= t.endSlackMs()
                && trial.endedMs() - frames.getFirst().arrivedMs() <= t.endSlackMs())
            return String.format(Locale.ROOT, "held until the end: the response headers arrived at %.0f ms and the first frame at %.0f ms, "
                    + "with the end of the stream at %.0f ms", trial.headersMs(), frames.getFirst().arrivedMs(), trial.endedMs());
        return null;
    }

    /** envd's {@code keepalive} frames, execd's {@code ping} events. */
    static boolean isKeepalive(String frameKind) {
        return frameKind.equals(Protocol.ENVD.keepaliveKind()) || frameKind.equals(Protocol.EXECD.keepaliveKind());
    }

    private static String endNote(Trial trial) {
        if (trial.endedMs() == null || trial.headersMs() == null) return "";
        return String.format(Locale.ROOT, " (headers at %.0f ms, stream end at %.0f ms)", trial.headersMs(), trial.endedMs());
    }

    /** Late headers point at the way there (network, proxy); prompt headers with late frames at the sandbox. */
    private static String cause(List<Trial> trials, Thresholds t) {
        double[] h = trials.stream().filter(x -> x.headersMs() != null).mapToDouble(Trial::headersMs).sorted().toArray();
        if (h.length == 0) return "no response headers were timed";
        double med = h[h.length / 2];
        return med > t.delayedMs()
                ? String.format(Locale.ROOT, "the response headers took %.1f ms too (p50): the network or a proxy is slow", med)
                : String.format(Locale.ROOT, "the response headers came after %.1f ms (p50) but the frames later: the sandbox is slow to produce them", med);
    }

    private static String summary(List<Metric> metrics) {
        List<String> parts = new ArrayList<>();
        for (Metric m : metrics) if (m.count() > 0) parts.add(String.format(Locale.ROOT, "%s p50 %.2f ms", m.name(), m.p50Ms()));
        return parts.isEmpty() ? "no metric" : String.join(", ", parts);
    }

    private static String evidenceSummary(List<Trial> trials) {
        for (Trial tr : trials) {
            if (!tr.evidence()) continue;
            List<Frame> known = tr.frames().stream().filter(f -> f.producedMs() != null).toList();
            if (known.size() < 2) return "";
            double worst = known.stream().mapToDouble(Frame::delayMs).max().orElse(0);
            return String.format(Locale.ROOT, "; %d frames produced apart arrived one by one (largest delay %.1f ms)", known.size(), worst);
        }
        return "";
    }
}
