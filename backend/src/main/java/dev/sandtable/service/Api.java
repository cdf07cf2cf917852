package dev.sandtable.service;

import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.ReleaseMode;

import java.time.Instant;

/** The service's HTTP API: paths, headers and the JSON bodies that are not model records (see docs/service-api.md). */
public final class Api {
    public static final String PREFIX = "/sandtable/v1";
    public static final String HEALTH = "/health";
    /** The interval between keepalive lines of the event stream, in milliseconds. */
    public static final String KEEPALIVE_HEADER = "X-Sandtable-Keepalive-Millis";
    /** The line the event stream sends when nothing happened for a while; not a BackendEvent. */
    public static final String KEEPALIVE_LINE = "{\"type\":\"keepalive\"}";
    public static final String NDJSON = "application/x-ndjson";

    private Api() {
    }

    /** E2B-style error body: {@code code} is the HTTP status, {@code error} the {@link ErrorCode} name. */
    public record ErrorBody(int code, String message, String error) {
        public static ErrorBody of(ErrorCode code, String message) {
            return new ErrorBody(code.httpStatus(), message, code.name());
        }
    }

    public record Health(String status, String version, long pid) {
    }

    /** GET /sandtable/v1/info: the backend behind the service and the service itself (without its key). */
    public record Info(BackendInfo backend, Capabilities capabilities, long pid, String url, String version, Instant startedAt) {
    }

    /** Body of snapshot and restore: the name of what is made (null to have one generated). */
    public record NameBody(String name) {
    }

    public record TemplateBody(String snapshot, String name) {
    }

    public record ResizeBody(int minIdle, int maxSize) {
    }

    public record ReleaseBody(ReleaseMode mode) {
    }

    /** Response of {@code GET sandboxes/{sandbox}/logs}: the end of the sandbox's log. */
    public record LogsBody(String text) {
    }

    /** The default and the largest {@code maxBytes} of the logs route. */
    public static final int LOGS_DEFAULT_BYTES = 256 * 1024;
    public static final int LOGS_MAX_BYTES = 4 * 1024 * 1024;
}
