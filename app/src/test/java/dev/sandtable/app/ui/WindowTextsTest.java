package dev.sandtable.app.ui;

import dev.sandtable.app.ConnectingBackend;
import dev.sandtable.app.viewmodel.LiveInventory;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import javafx.util.StringConverter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the window says in its corners (no screen needed). */
class WindowTextsTest {
    private static final BackendInfo LOCAL = new BackendInfo("local", "Local", BackendKind.LOCAL, "/state");

    @Test
    void emptyTablesSayTheBackendIsConnectingThenWhyItIsNotConnected() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (LiveInventory inv = new LiveInventory()) {
            var connecting = inv.connect(ConnectingBackend.start(LOCAL, "starting the Sandtable service", () -> {
                try {
                    never.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SandtableException(ErrorCode.UNAVAILABLE, "gave up");
            }));
            inv.drainAll();
            assertThat(connecting.state()).isEqualTo(ConnectionState.CONNECTING);
            assertThat(MainWindowController.notice(inv.backends())).containsExactly("Connecting to Local…",
                    "Starting the Sandtable service. This takes a second or two the first time.");
        } finally {
            never.countDown();
        }
        try (LiveInventory inv = new LiveInventory()) {
            var failed = inv.connect(ConnectingBackend.start(LOCAL, "starting", () -> {
                throw new SandtableException(ErrorCode.UNAVAILABLE, "the Sandtable service failed to start; see service.log");
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (failed.state() != ConnectionState.DISCONNECTED && System.nanoTime() < deadline) {
                Thread.sleep(5);
                inv.drainAll();
            }
            assertThat(MainWindowController.notice(inv.backends())).containsExactly("Local is not connected",
                    "The Sandtable service failed to start; see service.log");
        }
    }

    @Test
    void aConnectedBackendLeavesTheEmptyStatesAlone() {
        try (var backend = new dev.sandtable.synthetic.SyntheticBackend(); LiveInventory inv = new LiveInventory()) {
            inv.connect(backend);
            inv.drainAll();
            assertThat(MainWindowController.notice(inv.backends())).containsOnlyNulls();
        }
    }

    @Test
    void theStateFilterNamesWhatItShowsInsteadOfACount() {
        StringConverter<SandboxState> names = new StringConverter<>() {
            @Override
            public String toString(SandboxState s) {
                return s.label();
            }

            @Override
            public SandboxState fromString(String s) {
                return null;
            }
        };
        assertThat(MainWindowController.stateFilterTitle(List.of(), names)).isEqualTo("All states");
        assertThat(MainWindowController.stateFilterTitle(List.of(SandboxState.PAUSED), names)).isEqualTo("Paused");
        assertThat(MainWindowController.stateFilterTitle(List.of(SandboxState.PAUSED, SandboxState.RUNNING), names))
                .isEqualTo("Paused, Running");
        assertThat(MainWindowController.stateFilterTitle(List.of(SandboxState.PAUSED, SandboxState.RUNNING, SandboxState.FAILED), names))
                .isEqualTo("3 states");
    }
}
