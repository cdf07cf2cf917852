package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.Formats;
import javafx.beans.InvalidationListener;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;

import java.time.Instant;

/**
 * "12 s ago" that ticks with the window's clock; the exact time is in the tooltip. It follows the clock only while it
 * is in a scene: table cells come and go, and a discarded cell must neither keep ticking nor stay reachable.
 */
final class RelativeTimeLabel extends Label {
    private final ObjectProperty<Instant> now;
    private final InvalidationListener tick = o -> render();
    private Instant time;
    private final Tooltip tip = new Tooltip();

    RelativeTimeLabel(ObjectProperty<Instant> now) {
        this.now = now;
        getStyleClass().add("relative-time");
        sceneProperty().addListener((o, was, is) -> {
            if (was == null && is != null) {
                now.addListener(tick);
                render();
            } else if (was != null && is == null) {
                now.removeListener(tick);
            }
        });
        setTooltip(tip);
    }

    void setTime(Instant t) {
        time = t;
        tip.setText(Formats.full(t));
        render();
    }

    private void render() {
        String text = Formats.relative(time, now.get());
        if (!text.equals(getText())) setText(text);
    }
}
