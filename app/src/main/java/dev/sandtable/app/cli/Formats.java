package dev.sandtable.app.cli;

import dev.sandtable.model.Isolation;
import dev.sandtable.model.LatencySummary;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How times, sizes and isolation read in tables. */
final class Formats {
    private Formats() {
    }

    static String ago(Instant then, Instant now) {
        if (then == null) return "-";
        Duration d = Duration.between(then, now);
        if (d.isNegative()) d = Duration.ZERO;
        if (d.toSeconds() < 60) return d.toSeconds() + "s ago";
        if (d.toMinutes() < 60) return d.toMinutes() + "m ago";
        if (d.toHours() < 48) return d.toHours() + "h ago";
        return d.toDays() + "d ago";
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static String millis(Duration d) {
        if (d == null) return "-";
        long micros = d.toNanos() / 1000;
        return micros < 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0) : d.toMillis() + " ms";
    }

    static String micros(long micros) {
        return millis(Duration.ofNanos(micros * 1000));
    }

    static String p50(LatencySummary s) {
        return s == null || s.count() == 0 ? "-" : micros(s.p50Micros());
    }

    /** The isolation column: the mechanism, or NOT ISOLATED in capitals so that nobody misses it. */
    static String isolation(Isolation i) {
        if (i == null) return "unknown";
        return i.isolated() ? i.mechanism() : "NOT ISOLATED";
    }

    static String isolationSentence(Isolation i) {
        if (i == null) return "isolation unknown";
        if (i.isolated()) return "isolated by " + i.mechanism();
        return "NOT ISOLATED" + (i.detail() == null || i.detail().isBlank() ? "" : " (" + i.detail() + ")");
    }

    static String lower(Enum<?> e) {
        return e == null ? "-" : e.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
