package dev.sandtable.app.latency;

import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;

import java.util.Map;

/** One stream's verdicts: the result per endpoint column (absent while that endpoint's probe still runs). */
public record VerdictRow(StreamKind stream, Map<String, StreamResult> byColumn) {
    public VerdictRow {
        byColumn = Map.copyOf(byColumn);
    }

    public StreamResult result(String column) {
        return byColumn.get(column);
    }
}
