package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

/** The helper's error replies as {@link SandtableException}s, with its message for the user. */
final class HelperErrors {
    static final int E_BAD_FRAME = 1, E_VERSION = 2, E_UNKNOWN_OP = 3, E_DENIED = 4, E_INVALID = 5, E_NOT_FOUND = 6,
            E_UNSUPPORTED = 7, E_LIMIT = 8, E_IO = 9, E_PATH_REFUSED = 10, E_TOO_SMALL = 11, E_GONE = 12,
            E_NEED_HELLO = 13, E_INTERNAL = 14;

    private HelperErrors() {
    }

    static SandtableException of(Fields f) {
        int code = (int) f.number(Wire.T_ERR_CODE, E_INTERNAL);
        String msg = f.string(Wire.T_ERR_MSG);
        if (msg == null) msg = "error " + code;
        ErrorCode kind = switch (code) {
            case E_INVALID, E_PATH_REFUSED, E_TOO_SMALL -> ErrorCode.INVALID_ARGUMENT;
            case E_DENIED -> ErrorCode.UNAUTHORIZED;
            case E_NOT_FOUND, E_GONE -> ErrorCode.NOT_FOUND;
            case E_VERSION, E_UNKNOWN_OP, E_UNSUPPORTED -> ErrorCode.UNSUPPORTED;
            case E_LIMIT -> ErrorCode.INVALID_STATE;
            default -> ErrorCode.INTERNAL;
        };
        return new HelperException(kind, code, "native helper: " + msg);
    }
}
