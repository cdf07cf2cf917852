package dev.sandtable.app;

import dev.sandtable.app.cli.SandtableCli;

/**
 * The entry point of {@code ./sandtable}: no arguments opens the window, arguments run the command line.
 * A plain class (not the Application subclass) so that JavaFX can be on the class path; the command line never
 * loads JavaFX.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            javafx.application.Application.launch(SandtableApp.class, args);
            return;
        }
        System.exit(SandtableCli.run(args));
    }
}
