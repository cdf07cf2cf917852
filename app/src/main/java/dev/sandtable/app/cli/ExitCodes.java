package dev.sandtable.app.cli;

import dev.sandtable.service.ServiceMain;
import dev.sandtable.spi.SandtableException;

import java.util.LinkedHashMap;
import java.util.Map;

/** The command line's exit codes, listed in every --help. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = ServiceMain.EXIT_FAILED;
    public static final int USAGE = ServiceMain.EXIT_USAGE;
    public static final int UNAVAILABLE = ServiceMain.EXIT_UNAVAILABLE;
    public static final int ALREADY_RUNNING = ServiceMain.EXIT_ALREADY_RUNNING;

    static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        HELP.put("0", "success");
        HELP.put("1", "the operation failed (no such sandbox, name taken, wrong state, ...)");
        HELP.put("2", "usage error or invalid input (unknown option, bad name or size)");
        HELP.put("3", "the Sandtable service is unavailable (not running and could not be started)");
        HELP.put("4", "serve: a service is already running for this user");
    }

    private ExitCodes() {
    }

    static int of(SandtableException e) {
        return switch (e.code()) {
            case UNAVAILABLE -> UNAVAILABLE;
            case INVALID_ARGUMENT -> USAGE;
            default -> FAILED;
        };
    }
}
