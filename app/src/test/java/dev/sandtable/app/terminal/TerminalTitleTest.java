package dev.sandtable.app.terminal;

import static dev.sandtable.spi.TerminalSession.TerminalState.CONNECTED;
import static dev.sandtable.spi.TerminalSession.TerminalState.ENDED;
import static dev.sandtable.spi.TerminalSession.TerminalState.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TerminalTitleTest {
    private final CompletableFuture<Integer> running = new CompletableFuture<>();

    @Test
    void aRunningSessionShowsItsConnection() {
        assertThat(TerminalTitle.of("web-1 · 42", CONNECTED, running)).isEqualTo("web-1 · 42");
        assertThat(TerminalTitle.of("web-1 · 42", RECONNECTING, running)).isEqualTo("web-1 · 42 · reconnecting…");
        assertThat(TerminalTitle.of("web-1 · 42", ENDED, running)).isEqualTo("web-1 · 42 · ended");
    }

    @Test
    void aKnownExitCodeWinsWhicheverArrivedFirst() {
        CompletableFuture<Integer> three = CompletableFuture.completedFuture(3);
        assertThat(TerminalTitle.of("web-1 · 42", CONNECTED, three)).isEqualTo("web-1 · 42 · exited (3)"); // exit came first
        assertThat(TerminalTitle.of("web-1 · 42", ENDED, three)).isEqualTo("web-1 · 42 · exited (3)");
    }

    @Test
    void anUnknownExitReadsAsEnded() {
        assertThat(TerminalTitle.of("web-1 · 42", CONNECTED, CompletableFuture.completedFuture(-1))).isEqualTo("web-1 · 42 · ended");
        assertThat(TerminalTitle.of("web-1 · 42", RECONNECTING, CompletableFuture.failedFuture(new IllegalStateException())))
                .isEqualTo("web-1 · 42 · reconnecting…");
    }
}
