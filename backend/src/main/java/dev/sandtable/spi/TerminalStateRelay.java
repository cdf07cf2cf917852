package dev.sandtable.spi;

import dev.sandtable.spi.TerminalSession.TerminalState;
import java.util.function.Consumer;

/**
 * A terminal session's connection state and its one listener, as {@link TerminalSession#onState} promises them: a new
 * listener hears the current state at once, a state is reported when it changes (not again while it holds), and
 * {@code ENDED} is final.
 */
public final class TerminalStateRelay {
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

    /** Moves to {@code ENDED}: true only the first time, so the caller can end the rest of the session once. */
    public boolean end() {
        return set(TerminalState.ENDED);
    }

    public synchronized TerminalState current() {
        return current;
    }
}
