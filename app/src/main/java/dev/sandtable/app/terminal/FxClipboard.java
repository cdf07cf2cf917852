package dev.sandtable.app.terminal;

import com.techsenger.jeditermfx.ui.TerminalCopyPasteHandler;
import javafx.application.Platform;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The terminal's copy and paste on the JavaFX system clipboard. JavaFX has no X11 primary selection, so the
 * "selection clipboard" requests (copy-on-select, middle-click paste) use the system clipboard too.
 */
final class FxClipboard implements TerminalCopyPasteHandler {
    @Override
    public void setContents(String text, boolean useSystemSelectionClipboardIfAvailable) {
        onFx(() -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(text);
            Clipboard.getSystemClipboard().setContent(content);
            return null;
        });
    }

    @Override
    public String getContents(boolean useSystemSelectionClipboardIfAvailable) {
        return onFx(() -> Clipboard.getSystemClipboard().getString());
    }

    /** The clipboard belongs to the FX thread; the terminal calls from it (key and mouse handlers) or, rarely, not. */
    private static <T> T onFx(Supplier<T> action) {
        if (Platform.isFxApplicationThread()) return action.get();
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(action.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
