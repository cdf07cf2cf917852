package dev.sandtable.app;

import dev.sandtable.app.cli.SandtableCli;

/**
 * The entry point of {@code ./sandtable}: no arguments opens the window, arguments run the command line.
 * A plain class (not the Application subclass) so that JavaFX can be on the class path; the command line never
 * loads JavaFX.
 */
public final class Launcher {
    /** Held so the setting sticks: java.util.logging keeps loggers weakly. */
    private static java.util.logging.Logger platformLog;

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            // JavaFX on the class path is how Sandtable runs; its "unsupported configuration" warning would only alarm
            platformLog = java.util.logging.Logger.getLogger("javafx");
            platformLog.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
            javafx.application.Application.launch(SandtableApp.class, args);
            return;
        }
        System.exit(SandtableCli.run(args));
    }
}
