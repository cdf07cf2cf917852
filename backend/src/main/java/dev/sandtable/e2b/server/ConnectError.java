package dev.sandtable.e2b.server;

import java.util.Map;

/**
 * A Connect RPC error: its string code ({@code not_found}, {@code invalid_argument} ...) and message. Unary calls answer
 * it with the code's HTTP status; streams carry it in the end-of-stream envelope with HTTP 200.
 */
final class ConnectError extends RuntimeException {
    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("canceled", 499), Map.entry("unknown", 500), Map.entry("invalid_argument", 400),
            Map.entry("deadline_exceeded", 504), Map.entry("not_found", 404), Map.entry("already_exists", 409),
            Map.entry("permission_denied", 403), Map.entry("resource_exhausted", 429),
            Map.entry("failed_precondition", 400), Map.entry("aborted", 409), Map.entry("out_of_range", 400),
            Map.entry("unimplemented", 501), Map.entry("internal", 500), Map.entry("unavailable", 503),
            Map.entry("data_loss", 500), Map.entry("unauthenticated", 401));

    private final String code;

    ConnectError(String code, String message) {
        super(message);
        if (!STATUS.containsKey(code)) throw new IllegalArgumentException("not a Connect code: " + code);
        this.code = code;
    }

    String code() {
        return code;
    }

    int httpStatus() {
        return STATUS.get(code);
    }

    static ConnectError notFound(String message) {
        return new ConnectError("not_found", message);
    }

    static ConnectError invalidArgument(String message) {
        return new ConnectError("invalid_argument", message);
    }

    static ConnectError internal(String message) {
        return new ConnectError("internal", message);
    }
}
