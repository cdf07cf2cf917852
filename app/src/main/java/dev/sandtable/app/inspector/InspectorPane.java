package dev.sandtable.app.inspector;

import dev.sandtable.model.Resource;
import dev.sandtable.spi.Backend;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The details pane's inspector: the selected resource as raw JSON and a sandbox's logs, each in a read-only
 * RichTextFX code area with highlighting, and one search bar (Ctrl+F; Enter and Shift+Enter jump between matches).
 */
public final class InspectorPane {
    private static final KeyCombination FIND = new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN);

    private final InspectorViewModel vm = new InspectorViewModel(Platform::runLater);
    private final VBox root = new VBox(6);
    private final TabPane tabs = new TabPane();
    private final Viewer raw = new Viewer("inspector-raw", Highlighting::json);
    private final Viewer logs = new Viewer("inspector-logs", Highlighting::logLines);
    private final Label logsStatus = new Label();
    private final TextField search = new TextField();
    private final Label counter = new Label();
    private final Timeline followTimer = new Timeline(new KeyFrame(Duration.seconds(2), e -> vm.refreshLogs()));

    public InspectorPane() {
        root.setId("inspector");
        root.getStyleClass().add("inspector");
        root.getStylesheets().add(InspectorPane.class.getResource("inspector.css").toExternalForm());

        Button refresh = new Button("Refresh");
        refresh.setId("inspector-refresh");
        refresh.setOnAction(e -> vm.refreshLogs());
        refresh.disableProperty().bind(vm.logsAvailableProperty().not());
        ToggleButton follow = new ToggleButton("Follow");
        follow.setId("inspector-follow");
        follow.setTooltip(new Tooltip("Refresh every 2 seconds and stay at the end"));
        follow.selectedProperty().bindBidirectional(vm.followProperty());
        follow.disableProperty().bind(vm.logsAvailableProperty().not());
        followTimer.setCycleCount(Timeline.INDEFINITE);
        vm.followProperty().addListener((o, a, on) -> {
            if (on) {
                vm.refreshLogs();
                followTimer.play();
            } else {
                followTimer.stop();
            }
        });
        logsStatus.setId("inspector-logs-status");
        logsStatus.getStyleClass().add("empty-hint");
        logsStatus.textProperty().bind(vm.logsStatusProperty());
        logsStatus.visibleProperty().bind(vm.logsStatusProperty().isNotEmpty());
        logsStatus.managedProperty().bind(logsStatus.visibleProperty());
        logsStatus.setWrapText(true);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox logBar = new HBox(6, logsStatus, spacer, refresh, follow);
        logBar.setAlignment(Pos.CENTER_LEFT);
        VBox logBox = new VBox(6, logBar, logs.pane);
        VBox.setVgrow(logs.pane, Priority.ALWAYS);

        Tab rawTab = new Tab("Raw", raw.pane);
        rawTab.setId("inspector-tab-raw");
        Tab logTab = new Tab("Logs", logBox);
        logTab.setId("inspector-tab-logs");
        tabs.getTabs().addAll(rawTab, logTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> searchChanged());
        VBox.setVgrow(tabs, Priority.ALWAYS);

        search.setId("inspector-search");
        search.setPromptText("Find (Ctrl+F)");
        search.textProperty().addListener((o, a, b) -> searchChanged());
        search.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER) {
                jump(!e.isShiftDown());
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE && !search.getText().isEmpty()) {
                search.clear();
                e.consume();
            }
        });
        counter.setId("inspector-search-count");
        counter.getStyleClass().add("empty-hint");
        counter.setMinWidth(Region.USE_PREF_SIZE);
        Button prev = new Button("↑");
        prev.setTooltip(new Tooltip("Previous match (Shift+Enter)"));
        prev.setOnAction(e -> jump(false));
        Button next = new Button("↓");
        next.setTooltip(new Tooltip("Next match (Enter)"));
        next.setOnAction(e -> jump(true));
        HBox.setHgrow(search, Priority.ALWAYS);
        search.setMinWidth(80);
        HBox searchBar = new HBox(6, search, counter, prev, next);
        searchBar.setAlignment(Pos.CENTER_LEFT);

        root.getChildren().addAll(tabs, searchBar);
        root.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (FIND.match(e)) {
                search.requestFocus();
                search.selectAll();
                e.consume();
            }
        });

        vm.rawJsonProperty().addListener((o, a, text) -> raw.setText(text, false));
        vm.logsProperty().addListener((o, a, text) -> logs.setText(text, vm.followProperty().get()));
    }

    public VBox view() {
        return root;
    }

    public InspectorViewModel viewModel() {
        return vm;
    }

    /** Shows {@code resource} of {@code backend}, or nothing for null. */
    public void show(Resource resource, Backend backend) {
        vm.show(resource, backend);
        if (resource == null) vm.followProperty().set(false);
    }

    private Viewer active() {
        return tabs.getSelectionModel().getSelectedIndex() == 1 ? logs : raw;
    }

    private void searchChanged() {
        for (Viewer v : List.of(raw, logs)) v.search.setQuery(search.getText());
        raw.restyle();
        logs.restyle();
        Viewer v = active();
        v.reveal();
        counter.setText(v.search.counter());
    }

    private void jump(boolean forward) {
        Viewer v = active();
        if (forward) v.search.next();
        else v.search.previous();
        v.restyle();
        v.reveal();
        counter.setText(v.search.counter());
    }

    /** One read-only code area with its syntax layer and its search state. */
    private final class Viewer {
        final CodeArea area = new CodeArea();
        final StackPane pane;
        final TextSearch search = new TextSearch();
        final Function<String, List<StyledRange>> syntax;
        List<StyledRange> syntaxRanges = List.of();

        Viewer(String id, Function<String, List<StyledRange>> syntax) {
            this.syntax = syntax;
            area.setId(id);
            area.setEditable(false);
            area.getStyleClass().add("inspector-code");
            pane = new StackPane(new VirtualizedScrollPane<>(area));
            pane.setPrefHeight(240);
            pane.setMinHeight(60);
        }

        void setText(String text, boolean toEnd) {
            area.replaceText(text);
            syntaxRanges = syntax.apply(text);
            search.setText(text);
            restyle();
            if (toEnd) {
                area.moveTo(area.getLength());
                area.requestFollowCaret();
            } else {
                area.moveTo(0);
                area.showParagraphAtTop(0);
            }
            if (this == active()) counter.setText(search.counter());
        }

        void restyle() {
            List<StyledRange> all = new ArrayList<>(syntaxRanges);
            all.addAll(search.matches());
            StyledRange cur = search.current();
            if (cur != null) all.add(new StyledRange(cur.start(), cur.end(), TextSearch.CURRENT));
            StyleSpansBuilder<Collection<String>> b = new StyleSpansBuilder<>();
            List<StyleLayers.Run> runs = StyleLayers.flatten(area.getLength(), all);
            if (runs.isEmpty()) b.add(List.of(), 0);
            for (StyleLayers.Run r : runs) b.add(r.styles(), r.length());
            StyleSpans<Collection<String>> spans = b.create();
            area.setStyleSpans(0, spans);
        }

        void reveal() {
            StyledRange cur = search.current();
            if (cur == null) return;
            area.selectRange(cur.start(), cur.end());
            area.requestFollowCaret();
        }
    }
}
