package dev.sandtable.app.cli;

import dev.sandtable.model.Isolation;
import dev.sandtable.model.LatencySummary;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How times and isolation read in the command line's tables; sizes and latencies read as in the window. */
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
        return dev.sandtable.app.viewmodel.Formats.bytes(n);
    }

    static String millis(Duration d) {
        return d == null ? "-" : micros(d.toNanos() / 1000);
    }

    static String micros(long micros) {
        return dev.sandtable.app.viewmodel.Formats.micros(micros);
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
