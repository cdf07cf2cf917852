package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.Formats;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;

import java.time.Instant;

/** "12 s ago" that ticks with the window's clock; the exact time is in the tooltip. */
final class RelativeTimeLabel extends Label {
    private final ObjectProperty<Instant> now;
    private Instant time;
    private final Tooltip tip = new Tooltip();

    RelativeTimeLabel(ObjectProperty<Instant> now) {
        this.now = now;
        getStyleClass().add("relative-time");
        now.addListener((o, a, b) -> render());
        setTooltip(tip);
    }

    void setTime(Instant t) {
        time = t;
        tip.setText(Formats.full(t));
        render();
    }

    private void render() {
        setText(Formats.relative(time, now.get()));
    }
}
