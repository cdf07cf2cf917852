package dev.sandtable.spi;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A PTY session in a sandbox. Output is a byte stream that ends (EOF) when the program ends; input and resizes are
 * sent in the order they are made. A backend that loses its connection reattaches to the same process when it
 * can, so the shell survives a dropped stream; {@link #onState} reports that.
 */
public interface TerminalSession extends AutoCloseable {
    /** The session's process id in the sandbox (for display and reattaching). */
    String id();

    /** The terminal's output: blocking reads; EOF once the program has ended or the session is closed. */
    InputStream output();

    CompletableFuture<Void> write(byte[] input);

    CompletableFuture<Void> resize(int columns, int rows);

    /**
     * Completes with the exit code when the program ends (-1 when unknown, e.g. the session was closed), after
     * {@code ENDED} has been reported.
     */
    CompletableFuture<Integer> exit();

    /**
     * Listens to connection changes (called on a backend thread); replaces any earlier listener, which hears the
     * current state at once. Each change is reported once; {@code ENDED} is final. See {@link TerminalStateRelay}.
     */
    void onState(Consumer<TerminalState> listener);

    /** Ends the program and the session. */
    @Override
    void close();

    enum TerminalState {
        CONNECTED,
        /** The stream dropped; the backend is reattaching to the same process. */
        RECONNECTING,
        ENDED
    }
}
