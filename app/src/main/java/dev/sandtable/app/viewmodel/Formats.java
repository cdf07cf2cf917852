package dev.sandtable.app.viewmodel;

import dev.sandtable.model.LatencySummary;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How times, sizes and latencies read in the window. */
public final class Formats {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private Formats() {
    }

    /** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "in 5 min" for the future; "—" for null. */
    public static String relative(Instant then, Instant now) {
        if (then == null) return "—";
        long s = Duration.between(then, now).getSeconds();
        boolean future = s < 0;
        s = Math.abs(s);
        String t;
        if (s < 2) return future ? "in a moment" : "just now";
        else if (s < 60) t = s + " s";
        else if (s < 3600) t = s / 60 + " min";
        else if (s < 86400) t = s / 3600 + " h";
        else t = s / 86400 + " d";
        return future ? "in " + t : t + " ago";
    }

    public static String clock(Instant t) {
        return t == null ? "—" : CLOCK.format(t);
    }

    public static String full(Instant t) {
        return t == null ? "—" : FULL.format(t);
    }

    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    public static String micros(long us) {
        if (us < 1000) return us + " µs";
        if (us < 1_000_000) return String.format(Locale.ROOT, us < 10_000 ? "%.1f ms" : "%.0f ms", us / 1000.0);
        return String.format(Locale.ROOT, "%.2f s", us / 1_000_000.0);
    }

    public static String latency(LatencySummary l, boolean p99) {
        if (l == null || l.count() == 0) return "—";
        return micros(p99 ? l.p99Micros() : l.p50Micros());
    }

    public static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
    }
}
