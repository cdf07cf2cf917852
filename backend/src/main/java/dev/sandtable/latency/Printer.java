package dev.sandtable.latency;

import java.util.Locale;
import java.util.function.BiFunction;

/** What the evidence trials produce: the printing script ({@code p<i> <epoch ns>} at each scheduled instant, GNU date) and typed markers. */
final class Printer {
    private Printer() {
    }

    /** A unique marker to type and find in the echo: {@code q}, six random letters, {@code i}, {@code z}. */
    static String marker(int i) {
        StringBuilder sb = new StringBuilder("q");
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int k = 0; k < 6; k++) sb.append((char) ('a' + rnd.nextInt(26)));
        return sb.append(i).append('z').toString();
    }

    /** A shell script printing {@code p<i> $(date +%s%N)} at each of {@code at} (ms after it starts). */
    static String script(long[] at) {
        StringBuilder sb = new StringBuilder();
        long prev = 0;
        for (int i = 0; i < at.length; i++) {
            sb.append(String.format(Locale.ROOT, "sleep %.3f; echo \"p%d $(date +%%s%%N)\"; ", (at[i] - prev) / 1000.0, i));
            prev = at[i];
        }
        return sb.toString();
    }

    /**
     * Maps a {@code p<i> <epoch ns>} line of a frame of kind {@code textKind} onto the trial's clock; falls back on the
     * schedule (from {@code scheduleBase}) when date printed no nanoseconds.
     */
    static BiFunction<String, String, Double> producedBy(TrialRecorder r, long[] at, double scheduleBase, String textKind) {
        return (k, d) -> {
            if (!k.equals(textKind)) return null;
            Double last = null;
            for (String line : d.split("\n")) {
                String[] p = line.trim().split(" ");
                if (p.length != 2 || !p[0].matches("p\\d")) continue;
                try {
                    last = r.fromEpochNanos(Long.parseLong(p[1]));
                } catch (NumberFormatException e) {
                    int i = Integer.parseInt(p[0].substring(1));
                    last = i < at.length ? scheduleBase + at[i] : null;
                }
            }
            return last;
        };
    }
}
