package dev.sandtable.app.terminal;

import com.techsenger.jeditermfx.ui.JediTermFxWidget;
import com.techsenger.jeditermfx.ui.settings.DefaultSettingsProvider;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalSession.TerminalState;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.layout.StackPane;

/**
 * One terminal: a JediTermFX widget (xterm-256color, 10 000 lines of scrollback, copy/paste with Ctrl+Shift+C/V)
 * on a backend session. The tab's title shows the sandbox, the pid and whether the stream is reattaching.
 */
public final class TerminalTab extends Tab {
    static final int COLUMNS = 100;
    static final int ROWS = 30;
    static final int SCROLLBACK = 10_000;

    private final String sandboxName;
    private final StackPane body = new StackPane();
    private ClipboardTerminalWidget widget;
    private TerminalSession session;
    private boolean closed;

    TerminalTab(Backend backend, String sandboxId, String sandboxName) {
        this.sandboxName = sandboxName;
        setText(sandboxName + " · connecting…");
        Label wait = new Label("Starting a shell in " + sandboxName + "…");
        wait.getStyleClass().add("empty-hint");
        body.getChildren().setAll(wait);
        body.getStyleClass().add("terminal-body");
        setContent(body);
        setOnClosed(e -> close());
        backend.openTerminal(sandboxId, TerminalRequest.shell(COLUMNS, ROWS)).whenComplete((s, err) -> Platform.runLater(() -> {
            if (err != null) {
                setText(sandboxName + " · failed");
                Label l = new Label("Could not open a terminal: " + SandtableException.of(err).getMessage());
                l.setWrapText(true);
                l.getStyleClass().add("empty-hint");
                body.getChildren().setAll(l);
            } else if (closed) {
                s.close();
            } else {
                attach(s);
            }
        }));
    }

    private void attach(TerminalSession s) {
        session = s;
        widget = new ClipboardTerminalWidget(COLUMNS, ROWS, new DefaultSettingsProvider() {
            @Override
            public int getBufferMaxLinesCount() {
                return SCROLLBACK;
            }
        });
        widget.setTtyConnector(new SessionTtyConnector(s, sandboxName + " (" + s.id() + ")"));
        widget.start();
        body.getChildren().setAll(widget.getPane());
        String base = sandboxName + " · " + s.id();
        setText(base);
        TerminalState[] state = {TerminalState.CONNECTED}; // the last one reported, read and written on the FX thread
        s.onState(st -> Platform.runLater(() -> {
            state[0] = st;
            setText(TerminalTitle.of(base, st, s.exit()));
        }));
        s.exit().whenComplete((code, e) -> Platform.runLater(() -> setText(TerminalTitle.of(base, state[0], s.exit()))));
        Platform.runLater(this::focus);
    }

    /** The widget once the shell has started (tests read its text buffer), else null. */
    public JediTermFxWidget widget() {
        return widget;
    }

    /** The lines the terminal shows now, top to bottom (history lines when scrolled up); empty before it starts. */
    public java.util.List<String> visibleLines() {
        return widget == null ? java.util.List.of() : widget.visibleLines();
    }

    /** The size of a character cell on the widget's canvas, once started (tests aim the mouse with it). */
    public javafx.geometry.Dimension2D cellSize() {
        return widget == null ? null : widget.cellSize();
    }

    public TerminalSession session() {
        return session;
    }

    /** Keys are handled on the panel's canvas (JediTermFX 1.0.0's preferred focusable node is its container). */
    public void focus() {
        if (widget != null) widget.getTerminalPanel().getCanvas().requestFocus();
    }

    void close() {
        if (closed) return;
        closed = true;
        if (widget != null) widget.close();
        if (session != null) session.close();
    }
}
