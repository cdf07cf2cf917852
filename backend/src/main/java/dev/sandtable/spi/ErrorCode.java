package dev.sandtable.spi;

/** Kinds of failure, each with the HTTP status the service answers with. */
public enum ErrorCode {
    INVALID_ARGUMENT(400),
    NOT_FOUND(404),
    ALREADY_EXISTS(409),
    INVALID_STATE(409),
    CORRUPT(422),
    UNSUPPORTED(501),
    NO_SPACE(507),
    UNAVAILABLE(503),
    UNAUTHORIZED(401),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
