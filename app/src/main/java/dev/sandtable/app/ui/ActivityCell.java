package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.ActivityEntry;
import dev.sandtable.app.viewmodel.Formats;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/** One timeline line: time · subject · from → to · action · detail. */
final class ActivityCell extends ListCell<ActivityEntry> {
    private final Label time = new Label();
    private final Label subject = new Label();
    private final Label transition = new Label();
    private final Label action = new Label();
    private final Label detail = new Label();
    private final HBox box = new HBox(10, time, subject, transition, action, detail);
    private final boolean showSubject;

    ActivityCell(boolean showSubject) {
        this.showSubject = showSubject;
        time.getStyleClass().add("tl-time");
        subject.getStyleClass().add("tl-subject");
        transition.getStyleClass().add("tl-transition");
        action.getStyleClass().add("tl-action");
        detail.getStyleClass().add("tl-detail");
        HBox.setHgrow(detail, Priority.ALWAYS);
        detail.setMaxWidth(Double.MAX_VALUE);
        box.setAlignment(Pos.CENTER_LEFT);
        if (!showSubject) box.getChildren().remove(subject);
        getStyleClass().add("timeline-cell");
    }

    @Override
    protected void updateItem(ActivityEntry e, boolean empty) {
        super.updateItem(e, empty);
        if (empty || e == null) {
            setGraphic(null);
            setText(null);
            return;
        }
        time.setText(Formats.clock(e.at()));
        subject.setText(e.subject());
        transition.setText(e.transition());
        transition.setVisible(!e.transition().isEmpty());
        transition.setManaged(!e.transition().isEmpty());
        action.setText(e.action());
        detail.setText(e.detail() == null ? "" : e.detail());
        pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("error"), e.error());
        setGraphic(box);
    }

    boolean showsSubject() {
        return showSubject;
    }
}
