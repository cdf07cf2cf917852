package dev.sandtable.app.latency;

import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;

import java.util.Map;

/**
 * One stream's verdicts: the result per endpoint column (absent while that endpoint's probe still runs), and the call
 * it makes over the run's agent ({@code process.Process/Start}, {@code POST /command (SSE)}, ...).
 */
public record VerdictRow(StreamKind stream, Map<String, StreamResult> byColumn, String call) {
    public VerdictRow {
        byColumn = Map.copyOf(byColumn);
        call = call == null ? stream.rpc() : call;
    }

    public VerdictRow(StreamKind stream, Map<String, StreamResult> byColumn) {
        this(stream, byColumn, null);
    }

    public StreamResult result(String column) {
        return byColumn.get(column);
    }
}
