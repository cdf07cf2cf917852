package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.ActivityEntry;
import dev.sandtable.app.viewmodel.Formats;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * One timeline entry. In the activity pane one line: time · subject · from → to · action · detail. In the narrow
 * details pane two lines, so nothing scrolls sideways: action and transition, then time and detail.
 * The time's tooltip gives the date; the detail's tooltip gives the whole text when it is cut.
 */
final class ActivityCell extends ListCell<ActivityEntry> {
    private final Label time = new Label();
    private final Label subject = new Label();
    private final Label transition = new Label();
    private final Label action = new Label();
    private final Label detail = new Label();
    private final Tooltip timeTip = new Tooltip();
    private final Region box;
    private final boolean showSubject;

    ActivityCell(boolean showSubject) {
        this.showSubject = showSubject;
        time.getStyleClass().add("tl-time");
        subject.getStyleClass().add("tl-subject");
        transition.getStyleClass().add("tl-transition");
        action.getStyleClass().add("tl-action");
        detail.getStyleClass().add("tl-detail");
        for (Label l : new Label[]{time, subject, transition, action}) l.setMinWidth(Region.USE_PREF_SIZE);
        time.setTooltip(timeTip);
        ResourceTable.tooltipWhenTruncated(detail);
        detail.setMinWidth(0);
        detail.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(detail, Priority.ALWAYS);
        if (showSubject) {
            HBox line = new HBox(10, time, subject, transition, action, detail);
            line.setAlignment(Pos.CENTER_LEFT);
            box = line;
        } else {
            HBox first = new HBox(8, action, transition);
            first.setAlignment(Pos.CENTER_LEFT);
            HBox second = new HBox(8, time, detail);
            second.setAlignment(Pos.CENTER_LEFT);
            VBox stack = new VBox(first, second);
            stack.getStyleClass().add("tl-stack");
            box = stack;
        }
        box.setMinWidth(0);
        // the cell follows the list's width instead of asking for its content's: no sideways scrolling
        setPrefWidth(0);
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
        timeTip.setText(Formats.full(e.at()));
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
