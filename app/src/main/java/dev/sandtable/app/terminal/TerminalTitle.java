package dev.sandtable.app.terminal;

import dev.sandtable.spi.TerminalSession.TerminalState;
import java.util.concurrent.CompletableFuture;

/** A terminal tab's title: the sandbox and pid, then what became of the stream or the program. */
final class TerminalTitle {
    private TerminalTitle() {
    }

    /**
     * The same whichever of the state and the exit code arrived first: a known exit code wins over {@code ENDED}, and
     * -1 (unknown: the session was closed or its stream was lost for good) reads as "ended".
     */
    static String of(String base, TerminalState state, CompletableFuture<Integer> exit) {
        Integer code = exit.isDone() && !exit.isCompletedExceptionally() ? exit.join() : null;
        if (code != null && code >= 0) return base + " · exited (" + code + ")";
        if (code != null) return base + " · ended";
        return switch (state) {
            case CONNECTED -> base;
            case RECONNECTING -> base + " · reconnecting…";
            case ENDED -> base + " · ended";
        };
    }
}
