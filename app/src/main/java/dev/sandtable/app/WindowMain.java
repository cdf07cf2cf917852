package dev.sandtable.app;

import javafx.application.Application;

/**
 * Opens the window: {@code Launcher} calls this when it has no arguments. A plain class, not the Application
 * subclass, so that JavaFX may sit on the class path.
 */
public final class WindowMain {
    private WindowMain() {
    }

    public static void main(String[] args) {
        Application.launch(SandtableApp.class, args);
    }
}
