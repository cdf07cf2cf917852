package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

/**
 * An error the helper answered with: a {@link SandtableException} that also keeps the protocol's own code (see
 * docs/native-helper-protocol.md), for callers that tell, say, a vanished device (12) from an unknown id (6).
 */
public final class HelperException extends SandtableException {
    public static final int GONE = 12;

    private final int helperCode;

    HelperException(ErrorCode code, int helperCode, String message) {
        super(code, message);
        this.helperCode = helperCode;
    }

    public int helperCode() {
        return helperCode;
    }
}
