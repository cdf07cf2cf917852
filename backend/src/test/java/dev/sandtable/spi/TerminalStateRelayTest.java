package dev.sandtable.spi;

import static dev.sandtable.spi.TerminalSession.TerminalState.CONNECTED;
import static dev.sandtable.spi.TerminalSession.TerminalState.ENDED;
import static dev.sandtable.spi.TerminalSession.TerminalState.RECONNECTING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sandtable.spi.TerminalSession.TerminalState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalStateRelayTest {
    private final TerminalStateRelay relay = new TerminalStateRelay();
    private final List<TerminalState> heard = new ArrayList<>();

    @Test
    void aNewListenerHearsTheCurrentStateAtOnce() {
        relay.set(RECONNECTING);
        relay.listen(heard::add);
        assertThat(heard).containsExactly(RECONNECTING);
    }

    @Test
    void aStateIsReportedOnceWhileItHolds() {
        relay.listen(heard::add);
        relay.set(RECONNECTING);
        relay.set(RECONNECTING);
        relay.set(CONNECTED);
        assertThat(heard).containsExactly(CONNECTED, RECONNECTING, CONNECTED);
    }

    @Test
    void endedIsFinalAndEndIsTrueOnlyTheFirstTime() {
        relay.listen(heard::add);
        assertThat(relay.end(3)).isTrue();
        assertThat(relay.end(-1)).isFalse();
        assertThat(relay.set(CONNECTED)).isFalse();
        assertThat(relay.current()).isEqualTo(ENDED);
        assertThat(heard).containsExactly(CONNECTED, ENDED);
        assertThat(relay.exit()).isCompletedWithValue(3);
    }

    @Test
    void theExitCodeCompletesAfterEndedWasHeard() {
        List<List<TerminalState>> heardByTheExit = new ArrayList<>();
        relay.listen(heard::add);
        relay.exit().thenRun(() -> heardByTheExit.add(List.copyOf(heard)));
        relay.end(0);
        assertThat(heardByTheExit).containsExactly(List.of(CONNECTED, ENDED));
    }

    @Test
    void aReplacedListenerHearsNothingMoreAndNullMeansNone() {
        List<TerminalState> first = new ArrayList<>();
        relay.listen(first::add);
        relay.listen(null);
        relay.end(0);
        assertThat(first).containsExactly(CONNECTED);
    }
}
