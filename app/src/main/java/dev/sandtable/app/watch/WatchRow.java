package dev.sandtable.app.watch;

import dev.sandtable.spi.FsEvent;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** A row of the watch table: a filesystem event, or the mark of a stretch in which events may have been missed. */
public sealed interface WatchRow {
    Instant arrivedAt();

    /** The event's type; null for a gap. */
    FsEvent.FsEventType type();

    /** The event's path, or the gap's message. */
    String path();

    /** null when unknown, and for a gap. */
    Duration latency();

    record Event(FsEvent event) implements WatchRow {
        @Override
        public Instant arrivedAt() {
            return event.arrivedAt();
        }

        @Override
        public FsEvent.FsEventType type() {
            return event.type();
        }

        @Override
        public String path() {
            return event.path();
        }

        @Override
        public Duration latency() {
            return event.latency();
        }
    }

    /** The watch's stream was lost at {@code from} (the last thing heard) and watching again from {@code to}. */
    record Gap(Instant from, Instant to, ZoneId zone) implements WatchRow {
        private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

        @Override
        public Instant arrivedAt() {
            return to;
        }

        @Override
        public FsEvent.FsEventType type() {
            return null;
        }

        @Override
        public String path() {
            return "events between " + HMS.withZone(zone).format(from) + " and " + HMS.withZone(zone).format(to) + " may be missing";
        }

        @Override
        public Duration latency() {
            return null;
        }
    }
}
