package dev.sandtable.app.latency;

import javafx.stage.Stage;
import javafx.stage.Window;

/** Finding the Latency window's dialogs in TestFX tests. */
final class LatencyTestWindows {
    private LatencyTestWindows() {
    }

    /** The Add endpoint dialog over {@code w}, or null while none is showing. */
    static Window endpointDialog(LatencyWindow w) {
        return Window.getWindows().stream().filter(x -> x != w.stage() && x.isShowing() && x instanceof Stage s
                && EndpointDialog.TITLE.equals(s.getTitle())).findFirst().orElse(null);
    }
}
