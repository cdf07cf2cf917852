package dev.sandtable.app.terminal;

import com.techsenger.jeditermfx.core.model.StyleState;
import com.techsenger.jeditermfx.core.model.TerminalTextBuffer;
import com.techsenger.jeditermfx.ui.JediTermFxWidget;
import com.techsenger.jeditermfx.ui.TerminalCopyPasteHandler;
import com.techsenger.jeditermfx.ui.TerminalPanel;
import com.techsenger.jeditermfx.ui.settings.SettingsProvider;
import javafx.geometry.Dimension2D;
import javafx.scene.input.KeyEvent;

/**
 * JediTermFX's widget with copy and paste on the JavaFX clipboard. The library's default handler uses AWT's
 * clipboard, which a JavaFX application need not have (a headless AWT, or no X11 under Wayland): there, Copy did
 * nothing and Paste pasted nothing. It also keeps modifier keys pressed on their own (Ctrl, Shift, Alt, ...) from the
 * terminal, which JediTermFX 1.0.0 turns into a NUL byte each: Ctrl+Shift+V sent two NULs before the pasted text.
 */
final class ClipboardTerminalWidget extends JediTermFxWidget {
    ClipboardTerminalWidget(int columns, int rows, SettingsProvider settings) {
        super(columns, rows, settings);
        // on the pane, so it runs before JediTermFX's own key filter on the canvas below it
        getPane().addEventFilter(KeyEvent.ANY, e -> {
            if (e.getEventType() != KeyEvent.KEY_TYPED && e.getCode().isModifierKey()) e.consume();
        });
    }

    @Override
    protected TerminalPanel createTerminalPanel(SettingsProvider settings, StyleState style, TerminalTextBuffer buffer) {
        return new Panel(settings, buffer, style);
    }

    /** The size of one character cell in the panel's canvas (tests aim the mouse with it). */
    Dimension2D cellSize() {
        return ((Panel) getTerminalPanel()).cellSize();
    }

    /** The lines the viewport shows now (history lines included when scrolled up), top to bottom. */
    java.util.List<String> visibleLines() {
        Panel panel = (Panel) getTerminalPanel();
        TerminalTextBuffer buffer = getTerminalTextBuffer();
        java.util.List<String> lines = new java.util.ArrayList<>();
        buffer.lock();
        try {
            for (int i = 0; i < buffer.getHeight(); i++) lines.add(buffer.getLine(panel.scrollOrigin() + i).getText());
        } finally {
            buffer.unlock();
        }
        return lines;
    }

    private static final class Panel extends TerminalPanel {
        Panel(SettingsProvider settings, TerminalTextBuffer buffer, StyleState style) {
            super(settings, buffer, style);
        }

        @Override
        protected TerminalCopyPasteHandler createCopyPasteHandler() {
            return new FxClipboard();
        }

        Dimension2D cellSize() {
            return myCharSize;
        }

        /** The buffer line at the top of the viewport: 0 at the bottom, negative when scrolled into the history. */
        int scrollOrigin() {
            return swingClientScrollOrigin;
        }
    }
}
