package dev.sandtable.app.viewmodel;

/** Where operation results go: toasts in the window, a recording list in tests. Called on the UI thread. */
public interface Notifier {
    void error(String title, String message);

    void info(String title, String message);
}
