package dev.sandtable.app;

import javafx.application.Application;
import javafx.stage.Stage;

/** The JavaFX application: the main window. (Placeholder until the UI lands.) */
public class SandtableApp extends Application {
    @Override
    public void start(Stage stage) {
        stage.setTitle("Sandtable");
        stage.show();
    }
}
