package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.LiveTable;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.model.Resource;
import javafx.beans.property.ObjectProperty;
import javafx.scene.Node;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A TableView over a {@link LiveTable}: columns render a row's current value, sorting is done by the live table
 * (so it survives updates), and the selection follows the view model's selected row through every batch.
 */
public final class ResourceTable<R extends Resource> {
    private final TableView<Row<R>> table;
    private final LiveTable<R> live;
    private final ObjectProperty<Row<R>> selected;
    private final Map<TableColumn<Row<R>, ?>, Comparator<R>> comparators = new IdentityHashMap<>();
    private boolean syncing;

    public ResourceTable(LiveTable<R> live, ObjectProperty<Row<R>> selected, String styleClass) {
        this.live = live;
        this.selected = selected;
        this.table = new TableView<>(live.rows());
        table.getStyleClass().addAll("resource-table", styleClass);
        table.getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setFixedCellSize(34);
        table.setSortPolicy(tv -> {
            live.sort(comparator());
            return true;
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, row) -> {
            if (!syncing && row != null) selected.set(row);
        });
        selected.addListener((o, a, row) -> showSelection(true));
    }

    public TableView<Row<R>> view() {
        return table;
    }

    /** A text column; {@code sortKey} may be null for an unsortable column. */
    public <K extends Comparable<? super K>> TableColumn<Row<R>, R> text(String title, double width, Function<R, String> text,
                                                                           Function<R, K> sortKey) {
        return column(title, width, () -> new TableCell<>() {
            {
                tooltipWhenTruncated(this);
            }

            @Override
            protected void updateItem(R item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : text.apply(item));
            }
        }, sortKey == null ? null : Comparator.comparing(sortKey, Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /** A column whose cell shows a node made once per cell and refreshed with each value. */
    public <N extends Node> TableColumn<Row<R>, R> graphic(String title, double width, Supplier<N> make, BiConsumer<N, R> update,
                                                           Comparator<R> sort) {
        return column(title, width, () -> new TableCell<>() {
            private final N node = make.get();

            {
                setContentDisplay(ContentDisplay.GRAPHIC_ONLY);
            }

            @Override
            protected void updateItem(R item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setGraphic(null);
                } else {
                    update.accept(node, item);
                    setGraphic(node);
                }
            }
        }, sort);
    }

    public TableColumn<Row<R>, R> column(String title, double width, Supplier<TableCell<Row<R>, R>> cell, Comparator<R> sort) {
        TableColumn<Row<R>, R> col = new TableColumn<>(title);
        col.setCellValueFactory(f -> f.getValue().valueProperty());
        col.setCellFactory(c -> cell.get());
        col.setPrefWidth(width);
        col.setSortable(sort != null);
        if (sort != null) comparators.put(col, sort);
        table.getColumns().add(col);
        return col;
    }

    /** Shows the whole text in a tooltip while the label (or cell) is too narrow for it. */
    static void tooltipWhenTruncated(javafx.scene.control.Labeled l) {
        l.textTruncatedProperty().addListener((o, was, truncated) -> {
            if (!truncated) l.setTooltip(null);
            else if (l.getTooltip() == null) l.setTooltip(new javafx.scene.control.Tooltip(l.getText()));
            else l.getTooltip().setText(l.getText());
        });
        l.textProperty().addListener((o, a, b) -> {
            if (l.getTooltip() != null) l.getTooltip().setText(b);
        });
    }

    private javafx.scene.Node emptyState;

    /** What an empty table says: how to fill it. */
    public void placeholder(String title, String hint) {
        emptyState = emptyBox(title, hint);
        table.setPlaceholder(emptyState);
    }

    /** Replaces the empty state while the backend is not there yet (connecting, or down); null restores it. */
    public void notice(String title, String hint) {
        table.setPlaceholder(title == null ? emptyState : emptyBox(title, hint));
    }

    private static javafx.scene.Node emptyBox(String title, String hint) {
        Label t = new Label(title);
        t.getStyleClass().add("empty-title");
        Label h = new Label(hint);
        h.getStyleClass().add("empty-hint");
        h.setWrapText(true);
        javafx.scene.layout.VBox box = new javafx.scene.layout.VBox(6, t, h);
        box.setAlignment(javafx.geometry.Pos.CENTER);
        box.setMaxWidth(420);
        box.getStyleClass().add("empty-state");
        return box;
    }

    private Comparator<R> comparator() {
        Comparator<R> result = null;
        for (TableColumn<Row<R>, ?> col : table.getSortOrder()) {
            Comparator<R> c = comparators.get(col);
            if (c == null) continue;
            if (col.getSortType() == TableColumn.SortType.DESCENDING) c = c.reversed();
            result = result == null ? c : result.thenComparing(c);
        }
        return result;
    }

    /** After a batch: puts the table's selection back on the selected row if an update moved it. */
    public void afterBatch() {
        Row<R> want = selected.get();
        if (want != null && table.getSelectionModel().getSelectedItem() != want) showSelection(false);
    }

    private void showSelection(boolean scroll) {
        Row<R> want = selected.get();
        syncing = true;
        try {
            int i = live.indexOf(want);
            if (i < 0) {
                if (want == null) table.getSelectionModel().clearSelection();
                return;
            }
            if (table.getSelectionModel().getSelectedIndex() != i) table.getSelectionModel().clearAndSelect(i);
            if (scroll) scrollIntoView(i);
        } finally {
            syncing = false;
        }
    }

    private void scrollIntoView(int i) {
        var flow = (javafx.scene.control.skin.VirtualFlow<?>) table.lookup(".virtual-flow");
        if (flow == null) {
            table.scrollTo(i);
            return;
        }
        var first = flow.getFirstVisibleCell();
        var last = flow.getLastVisibleCell();
        if (first == null || last == null || i < first.getIndex() || i > last.getIndex()) table.scrollTo(Math.max(0, i - 3));
    }
}
