package dev.sandtable.app;

import dev.sandtable.app.ui.MainWindow;
import dev.sandtable.spi.Backend;
import javafx.application.Application;
import javafx.stage.Stage;

import java.util.List;

/** The JavaFX application: the Sandtable main window on the backends {@link AppContext} provides. */
public class SandtableApp extends Application {
    private List<Backend> backends = List.of();
    private MainWindow window;

    @Override
    public void init() {
        StartupTrace.mark("toolkit up");
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            System.err.println("sandtable: uncaught exception on " + t.getName());
            e.printStackTrace();
        });
        backends = AppContext.backends();
        StartupTrace.mark("backends chosen");
    }



    @Override
    public void start(Stage stage) {
        StartupTrace.mark("window start");
        window = MainWindow.open(stage, backends);
        StartupTrace.mark("stage shown");
        // -Dsandtable.firstFrame=true prints the start-up time (the start-up benchmark runs it with exitAfterFirstFrame)
        window.scene().addPostLayoutPulseListener(new Runnable() {
            @Override
            public void run() {
                window.scene().removePostLayoutPulseListener(this);
                StartupTrace.firstFrameShown();
                if (Boolean.getBoolean("sandtable.firstFrame"))
                    System.out.println("sandtable: first frame " + StartupTrace.sinceJvmStart() + " ms after JVM start");
                if (Boolean.getBoolean("sandtable.exitAfterFirstFrame")) javafx.application.Platform.exit();
            }
        });
    }

    /** The open window (tests drive and inspect it). */
    public MainWindow window() {
        return window;
    }

    @Override
    public void stop() {
        if (window != null) window.close();
        for (Backend b : backends) {
            try {
                b.close();
            } catch (RuntimeException e) {
                System.err.println("sandtable: closing " + b.info().displayName() + ": " + e.getMessage());
            }
        }
    }
}
