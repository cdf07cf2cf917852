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

    // sandtable probe (docs/latency-lab.md): the worst verdict of the run
    public static final int PROBE_DELAYED = 5;
    public static final int PROBE_BUFFERED = 6;
    public static final int PROBE_FAILED = 7;

    static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        HELP.put("0", "success");
        HELP.put("1", "the operation failed (no such sandbox, name taken, wrong state, ...)");
        HELP.put("2", "usage error or invalid input (unknown option, bad name or size)");
        HELP.put("3", "the Sandtable service is unavailable (not running and could not be started)");
        HELP.put("4", "serve: a service is already running for this user");
        HELP.put("5", "probe: a stream was DELAYED (none buffered, none failed)");
        HELP.put("6", "probe: a stream was BUFFERED by a proxy (none failed)");
        HELP.put("7", "probe: the run or a stream FAILED (unreachable, refused key, cut or silent stream)");
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
