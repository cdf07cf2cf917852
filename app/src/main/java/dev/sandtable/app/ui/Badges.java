package dev.sandtable.app.ui;

import dev.sandtable.model.Isolation;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.spi.ConnectionState;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.KeyValue;
import javafx.animation.Timeline;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;
import javafx.util.Duration;

import java.util.Locale;

/** Coloured state badges and the "not isolated" badge; transient states pulse, all in step with one clock. */
public final class Badges {
    private static DoubleProperty pulse;

    private Badges() {
    }

    /** One shared opacity animation for every transient badge (cheaper than one animation per cell). */
    static DoubleProperty pulse() {
        if (pulse == null) {
            pulse = new SimpleDoubleProperty(1);
            Timeline t = new Timeline(new KeyFrame(Duration.ZERO, new KeyValue(pulse, 1)),
                    new KeyFrame(Duration.millis(700), new KeyValue(pulse, 0.25)));
            t.setAutoReverse(true);
            t.setCycleCount(Animation.INDEFINITE);
            t.play();
        }
        return pulse;
    }

    public static String styleOf(SandboxState s) {
        return "state-" + s.name().toLowerCase(Locale.ROOT);
    }

    /** Updates (or fills) a badge label for a sandbox state. */
    public static void sandboxState(Label badge, SandboxState state) {
        set(badge, state.label(), styleOf(state), state.isTransient());
    }

    public static void snapshotState(Label badge, SnapshotState state) {
        String label = state.name().charAt(0) + state.name().substring(1).toLowerCase(Locale.ROOT);
        set(badge, label, "snapshot-" + state.name().toLowerCase(Locale.ROOT), state == SnapshotState.CREATING || state == SnapshotState.DELETING);
    }

    public static Label newBadge() {
        Label l = new Label();
        l.getStyleClass().add("badge");
        Circle dot = new Circle(3.5);
        dot.getStyleClass().add("badge-dot");
        l.setGraphic(dot);
        return l;
    }

    private static void set(Label badge, String text, String style, boolean transientState) {
        badge.setText(text);
        // touch the style classes only when they change: each change re-applies CSS to the badge
        var classes = badge.getStyleClass();
        if (!classes.contains(style) || classes.contains("transient") != transientState) {
            classes.removeIf(c -> c.startsWith("state-") || c.startsWith("snapshot-") || c.equals("transient"));
            classes.add(style);
            if (transientState) classes.add("transient");
        }
        Circle dot = (Circle) badge.getGraphic();
        if (transientState) {
            if (!dot.opacityProperty().isBound()) dot.opacityProperty().bind(pulse());
        } else {
            if (dot.opacityProperty().isBound()) dot.opacityProperty().unbind();
            dot.setOpacity(1);
        }
    }

    public static Label notIsolated(Isolation isolation) {
        Label l = new Label(NOT_ISOLATED);
        l.getStyleClass().addAll("badge", "badge-warning");
        l.setMinWidth(Region.USE_PREF_SIZE);
        l.setTooltip(new Tooltip(notIsolatedTip(isolation)));
        return l;
    }

    static final String NOT_ISOLATED = "⚠ not isolated";

    /** What the warning means, for its tooltip. */
    static String notIsolatedTip(Isolation isolation) {
        String how = isolation == null ? "No isolation" : isolation.mechanism() + ": " + isolation.detail();
        return how + "\nCode in this sandbox runs with your user's rights and can read and change your files.";
    }

    public static String connectionStyle(ConnectionState s) {
        return "conn-" + s.name().toLowerCase(Locale.ROOT);
    }
}
