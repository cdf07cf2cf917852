package dev.sandtable.app.ui;

import atlantafx.base.controls.Notification;
import atlantafx.base.theme.Styles;
import dev.sandtable.app.viewmodel.Notifier;
import javafx.animation.PauseTransition;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** Notifications stacked in the window's top-right corner; errors stay longer and can be closed. */
public final class ToastNotifier implements Notifier {
    static final int MAX_SHOWN = 4;
    private final VBox host;

    public ToastNotifier(VBox host) {
        this.host = host;
    }

    @Override
    public void error(String title, String message) {
        show(title, message, Styles.DANGER, Duration.seconds(12));
    }

    @Override
    public void info(String title, String message) {
        show(title, message, Styles.ACCENT, Duration.seconds(5));
    }

    private void show(String title, String message, String style, Duration life) {
        Notification n = new Notification(title + (message == null || message.isBlank() ? "" : "\n" + message));
        n.getStyleClass().addAll(style, Styles.ELEVATED_1, "toast", style.equals(Styles.DANGER) ? "toast-error" : "toast-info");
        n.setPrefWidth(380);
        n.setMaxWidth(380);
        n.setOnClose(e -> host.getChildren().remove(n));
        host.getChildren().add(n);
        while (host.getChildren().size() > MAX_SHOWN) host.getChildren().removeFirst();
        PauseTransition p = new PauseTransition(life);
        p.setOnFinished(e -> host.getChildren().remove(n));
        p.play();
    }
}
