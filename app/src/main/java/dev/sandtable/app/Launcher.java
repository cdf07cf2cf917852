package dev.sandtable.app;

/**
 * The entry point of {@code ./sandtable}: no arguments opens the window, arguments run the command line.
 * A plain class (not the Application subclass) so that JavaFX can be on the class path.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        System.out.println("sandtable: under construction");
    }
}
