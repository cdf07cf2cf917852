package dev.sandtable.spi;

import dev.sandtable.spi.TerminalSession.TerminalState;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A terminal session's connection state, its one listener and its exit code, as {@link TerminalSession#onState} and
 * {@link TerminalSession#exit} promise them: a new listener hears the current state at once, a state is reported when
 * it changes (not again while it holds), and {@code ENDED} is final and heard before the exit code completes.
 */
public final class TerminalStateRelay {
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private TerminalState current = TerminalState.CONNECTED;
    private Consumer<TerminalState> listener = s -> {
    };

    /** Replaces the listener (null: none) and tells it the current state. */
    public synchronized void listen(Consumer<TerminalState> newListener) {
        listener = newListener == null ? s -> {
        } : newListener;
        listener.accept(current);
    }

    /** Moves to {@code next}; false (and nothing reported) when it already holds or the session has ended. */
    public synchronized boolean set(TerminalState next) {
        if (current == TerminalState.ENDED || current == next) return false;
        current = next;
        listener.accept(next);
        return true;
    }

    /**
     * Moves to {@code ENDED}, then completes the exit code with {@code code}: true only the first time, so the caller
     * can end the rest of the session once.
     */
    public boolean end(int code) {
        if (!set(TerminalState.ENDED)) return false;
        exit.complete(code);
        return true;
    }

    /** The session's exit code, once it has ended (see {@link TerminalSession#exit}). */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    public synchronized TerminalState current() {
        return current;
    }
}
