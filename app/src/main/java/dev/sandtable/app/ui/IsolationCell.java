package dev.sandtable.app.ui;

import dev.sandtable.model.Isolation;
import dev.sandtable.model.Sandbox;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;

/** The isolation mechanism, or the red "not isolated" badge; both made once per cell and reused. */
final class IsolationCell extends StackPane {
    private final Label mechanism = new Label();
    private final Label warning = Badges.notIsolated(null);
    private final Tooltip tip = new Tooltip();
    private Isolation shown;

    IsolationCell() {
        setAlignment(Pos.CENTER_LEFT);
        mechanism.setTooltip(tip);
        warning.setTooltip(tip);
        getChildren().addAll(mechanism, warning);
    }

    void show(Sandbox s) {
        Isolation i = s.isolation();
        if (i == shown && i != null) return;
        shown = i;
        boolean isolated = i != null && i.isolated();
        mechanism.setVisible(isolated);
        warning.setVisible(!isolated);
        mechanism.setText(i == null ? "" : i.mechanism());
        tip.setText(isolated ? i.mechanism() + ": " + i.detail() : Badges.notIsolatedTip(i));
    }
}
