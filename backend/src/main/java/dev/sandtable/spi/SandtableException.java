package dev.sandtable.spi;

/** A failure whose message is written for the user: it says what failed and, where possible, what to do. */
public class SandtableException extends RuntimeException {
    private final ErrorCode code;

    public SandtableException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public SandtableException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static SandtableException unsupported(String backend, String what) {
        return new SandtableException(ErrorCode.UNSUPPORTED, backend + " does not support " + what);
    }

    public static SandtableException notFound(String what, String ref) {
        return new SandtableException(ErrorCode.NOT_FOUND, "no " + what + " named '" + ref + "'");
    }

    /** Unwraps CompletionException and friends to the SandtableException inside, or wraps the cause as INTERNAL. */
    public static SandtableException of(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof SandtableException se) return se;
        String msg = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        return new SandtableException(ErrorCode.INTERNAL, msg, c);
    }
}
