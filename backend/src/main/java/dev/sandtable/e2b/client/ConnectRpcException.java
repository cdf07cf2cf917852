package dev.sandtable.e2b.client;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.util.Locale;

/** A failed Connect call: the Connect code ({@code not_found}, {@code unavailable}, ...) beside Sandtable's ErrorCode. */
public final class ConnectRpcException extends SandtableException {
    private final String connectCode;

    public ConnectRpcException(String connectCode, String message) {
        this(connectCode, message, null);
    }

    public ConnectRpcException(String connectCode, String message, Throwable cause) {
        super(errorCode(connectCode), message, cause);
        this.connectCode = connectCode;
    }

    public String connectCode() {
        return connectCode;
    }

    /** Sandtable's error kind for a Connect code; unknown codes are INTERNAL. */
    public static ErrorCode errorCode(String connectCode) {
        return switch (connectCode == null ? "unknown" : connectCode.toLowerCase(Locale.ROOT)) {
            case "not_found" -> ErrorCode.NOT_FOUND;
            case "invalid_argument", "out_of_range" -> ErrorCode.INVALID_ARGUMENT;
            case "already_exists" -> ErrorCode.ALREADY_EXISTS;
            case "failed_precondition", "aborted" -> ErrorCode.INVALID_STATE;
            case "unauthenticated", "permission_denied" -> ErrorCode.UNAUTHORIZED;
            case "unimplemented" -> ErrorCode.UNSUPPORTED;
            case "unavailable", "deadline_exceeded", "canceled", "resource_exhausted" -> ErrorCode.UNAVAILABLE;
            default -> ErrorCode.INTERNAL;
        };
    }

    /** The Connect code an HTTP status stands for when the body names none (Connect protocol, "HTTP to error code"). */
    public static String codeForStatus(int status) {
        return switch (status) {
            case 400 -> "internal";
            case 401 -> "unauthenticated";
            case 403 -> "permission_denied";
            case 404 -> "unimplemented";
            case 429, 502, 503, 504 -> "unavailable";
            default -> "unknown";
        };
    }
}
