package dev.sandtable.app.latency;

import dev.sandtable.latency.StreamKind;

/** A measurement of one stream ({@code pty} / {@code echo}): what a histogram shows. */
public record MetricKey(StreamKind stream, String metric) {
    @Override
    public String toString() {
        return stream.cliName() + " · " + metric;
    }
}
