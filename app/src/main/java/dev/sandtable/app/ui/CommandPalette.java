package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.PaletteEntry;
import dev.sandtable.app.viewmodel.WindowViewModel;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.function.Consumer;

/** Ctrl+K: one field that finds any action and any sandbox, pool, snapshot or template by fuzzy name. */
final class CommandPalette {
    static final int LIMIT = 40;
    private final WindowViewModel vm;
    private final StackPane backdrop = new StackPane();
    private final TextField query = new TextField();
    private final ListView<PaletteEntry> results = new ListView<>();
    private final Consumer<PaletteEntry> onChoose;
    private Runnable onClose = () -> { };

    CommandPalette(WindowViewModel vm, Consumer<PaletteEntry> onChoose) {
        this.vm = vm;
        this.onChoose = onChoose;
        query.setId("palette-query");
        query.setPromptText("Type an action or a name…   (Enter runs, Esc closes)");
        query.getStyleClass().add("palette-query");
        results.setId("palette-results");
        results.getStyleClass().add("palette-results");
        results.setCellFactory(l -> new EntryCell());
        results.setFixedCellSize(46);
        results.setPrefHeight(46 * 9 + 4);
        results.setFocusTraversable(false);
        Label hint = new Label("↑↓ to move · Enter to run or select · Esc to close");
        hint.getStyleClass().add("palette-hint");
        VBox card = new VBox(query, results, hint);
        card.getStyleClass().add("palette-card");
        card.setMaxWidth(620);
        card.setMaxHeight(Region.USE_PREF_SIZE);
        StackPane.setAlignment(card, Pos.TOP_CENTER);
        StackPane.setMargin(card, new Insets(70, 0, 0, 0));
        backdrop.getChildren().add(card);
        backdrop.getStyleClass().add("palette-backdrop");
        backdrop.setId("palette");
        backdrop.setVisible(false);
        backdrop.setOnMouseClicked(e -> {
            if (e.getTarget() == backdrop) hide();
        });
        query.textProperty().addListener((o, a, b) -> update());
        query.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            switch (e.getCode()) {
                case DOWN -> move(1);
                case UP -> move(-1);
                case ENTER -> choose(results.getSelectionModel().getSelectedItem());
                case ESCAPE -> hide();
                default -> {
                    return;
                }
            }
            e.consume();
        });
        results.setOnMouseClicked(e -> {
            if (e.getClickCount() >= 1) choose(results.getSelectionModel().getSelectedItem());
        });
    }

    StackPane view() {
        return backdrop;
    }

    boolean isShowing() {
        return backdrop.isVisible();
    }

    void setOnClose(Runnable r) {
        onClose = r;
    }

    void show() {
        query.clear();
        update();
        backdrop.setVisible(true);
        query.requestFocus();
    }

    void hide() {
        if (!backdrop.isVisible()) return;
        backdrop.setVisible(false);
        onClose.run();
    }

    private void update() {
        results.getItems().setAll(vm.search(query.getText(), LIMIT));
        if (!results.getItems().isEmpty()) {
            results.getSelectionModel().select(0);
            results.scrollTo(0);
        }
    }

    private void move(int d) {
        int n = results.getItems().size();
        if (n == 0) return;
        int i = Math.floorMod(results.getSelectionModel().getSelectedIndex() + d, n);
        results.getSelectionModel().select(i);
        results.scrollTo(Math.max(0, i - 4));
    }

    private void choose(PaletteEntry e) {
        if (e == null) return;
        hide();
        onChoose.accept(e);
    }

    private static final class EntryCell extends ListCell<PaletteEntry> {
        private final Label label = new Label();
        private final Label detail = new Label();
        private final Label kind = new Label();
        private final HBox box;

        EntryCell() {
            label.getStyleClass().add("palette-label");
            detail.getStyleClass().add("palette-detail");
            kind.getStyleClass().add("palette-kind");
            VBox text = new VBox(1, label, detail);
            HBox.setHgrow(text, Priority.ALWAYS);
            box = new HBox(10, text, kind);
            box.setAlignment(Pos.CENTER_LEFT);
        }

        @Override
        protected void updateItem(PaletteEntry e, boolean empty) {
            super.updateItem(e, empty);
            if (empty || e == null) {
                setGraphic(null);
                return;
            }
            label.setText(e.label());
            if (e.isAction()) {
                detail.setText(e.availability().enabled() ? e.action().description() : e.availability().reason());
                kind.setText(e.action().shortcutText());
            } else {
                detail.setText(e.detail());
                kind.setText(e.kind().name().charAt(0) + e.kind().name().substring(1).toLowerCase());
            }
            pseudoClassStateChanged(javafx.css.PseudoClass.getPseudoClass("unavailable"), !e.availability().enabled());
            setGraphic(box);
        }
    }
}
