package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.ActivityEntry;
import dev.sandtable.app.viewmodel.Formats;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.app.viewmodel.SandtableAction;
import dev.sandtable.app.viewmodel.WindowViewModel;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.Claim;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The right-hand pane: the selected row's properties, its actions, and its lifecycle timeline. */
final class DetailsPane {
    private final WindowViewModel vm;
    private final ActionController actions;
    private final Tables tables;
    private final VBox root = new VBox();
    private final Label kind = new Label();
    private final Label title = new Label();
    private final HBox badges = new HBox(6);
    private final Map<ResourceKind, FlowPane> actionBars = new LinkedHashMap<>();
    private final Map<javafx.scene.Node, SandtableAction> buttonActions = new java.util.HashMap<>();
    private final GridPane props = new GridPane();
    private final ListView<ActivityEntry> timeline = new ListView<>();
    private final VBox content;
    private final VBox empty;
    private Row<?> shown;
    private final dev.sandtable.app.inspector.InspectorPane inspector = new dev.sandtable.app.inspector.InspectorPane();
    private final ChangeListener<Object> valueListener = (o, a, b) -> {
        render();
        inspectShown();
    };

    DetailsPane(WindowViewModel vm, ActionController actions, Tables tables) {
        this.vm = vm;
        this.actions = actions;
        this.tables = tables;
        root.getStyleClass().add("details-pane");
        root.setId("details");
        kind.getStyleClass().add("details-kind");
        title.getStyleClass().add("details-title");
        title.setId("details-title");
        title.setWrapText(true);
        badges.setAlignment(Pos.CENTER_LEFT);
        for (ResourceKind k : ResourceKind.values()) {
            FlowPane bar = new FlowPane(6, 6);
            bar.getStyleClass().add("details-actions");
            for (SandtableAction a : SandtableAction.values())
                if (a.target() == k) {
                    var wrap = actions.button(a, false);
                    buttonActions.put(wrap, a);
                    bar.getChildren().add(wrap);
                }
            // acts on the window (it has a sandbox picker) but belongs beside a sandbox's terminal and watch
            if (k == ResourceKind.SANDBOX) bar.getChildren().add(actions.button(SandtableAction.LATENCY_LAB, false));
            actionBars.put(k, bar);
        }
        props.getStyleClass().add("details-props");
        props.setHgap(12);
        props.setVgap(6);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(96);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        props.getColumnConstraints().addAll(c0, c1);
        Label lifecycle = new Label("Lifecycle");
        lifecycle.getStyleClass().add("section-title");
        timeline.setId("details-timeline");
        timeline.getStyleClass().addAll("timeline", "details-timeline");
        timeline.setCellFactory(l -> new ActivityCell(false));
        timeline.setPlaceholder(placeholderLabel("No lifecycle events yet"));
        timeline.setPrefHeight(220);
        VBox.setVgrow(timeline, Priority.ALWAYS);
        ScrollPane propScroll = new ScrollPane(props);
        propScroll.setFitToWidth(true);
        propScroll.getStyleClass().add("details-scroll");
        propScroll.setPrefViewportHeight(260);
        Label inspect = new Label("Inspector");
        inspect.getStyleClass().add("section-title");
        VBox.setVgrow(inspector.view(), Priority.ALWAYS);
        // the timeline and the inspector share what is left below the properties; the user moves the divider
        VBox lifecycleBox = new VBox(6, lifecycle, timeline);
        VBox inspectBox = new VBox(6, inspect, inspector.view());
        javafx.scene.control.SplitPane lower = new javafx.scene.control.SplitPane(lifecycleBox, inspectBox);
        lower.setId("details-lower");
        lower.setOrientation(javafx.geometry.Orientation.VERTICAL);
        lower.setDividerPositions(0.35);
        lower.getStyleClass().add("details-lower");
        VBox.setVgrow(lower, Priority.ALWAYS);
        content = new VBox(10, kind, title, badges, new VBox(), propScroll, lower);
        content.getStyleClass().add("details-content");
        VBox.setVgrow(content, Priority.ALWAYS);
        Label et = new Label("Nothing selected");
        et.getStyleClass().add("empty-title");
        Label eh = new Label("Select a row to see its properties, its actions and every state change it went through.");
        eh.getStyleClass().add("empty-hint");
        eh.setWrapText(true);
        empty = new VBox(6, et, eh);
        empty.getStyleClass().add("empty-state");
        empty.setAlignment(Pos.CENTER);
        VBox.setVgrow(empty, Priority.ALWAYS);
        root.getChildren().setAll(empty);

        vm.currentViewProperty().addListener((o, a, b) -> show());
        vm.selectedSandboxProperty().addListener((o, a, b) -> show());
        vm.selectedPoolProperty().addListener((o, a, b) -> show());
        vm.selectedSnapshotProperty().addListener((o, a, b) -> show());
        vm.selectedTemplateProperty().addListener((o, a, b) -> show());
        vm.nowProperty().addListener((o, a, b) -> { if (shown != null) render(); });
        vm.claims().claims().addListener((javafx.collections.MapChangeListener<String, Claim>) c -> render());
    }

    VBox view() {
        return root;
    }

    private void show() {
        Row<?> row = vm.selected(vm.currentViewProperty().get());
        if (row == shown) return;
        if (shown != null) shown.valueProperty().removeListener(valueListener);
        shown = row;
        if (row == null) {
            root.getChildren().setAll(empty);
            timeline.setItems(FXCollections.emptyObservableList());
            inspectShown();
            return;
        }
        row.valueProperty().addListener(valueListener);
        root.getChildren().setAll(content);
        content.getChildren().set(3, actionBars.get(vm.currentViewProperty().get()));
        var events = vm.inventory().activity().of(row.id());
        timeline.setItems(events);
        if (!events.isEmpty()) timeline.scrollTo(events.size() - 1);
        render();
        inspectShown();
    }

    private void inspectShown() {
        inspector.show(shown == null ? null : shown.value(), shown == null ? null : shown.backend().backend());
    }

    private void render() {
        if (shown == null) return;
        showApplicableActions();
        Resource r = shown.value();
        title.setText(r.name());
        badges.getChildren().clear();
        props.getChildren().clear();
        int[] row = {0};
        switch (r) {
            case Sandbox s -> {
                kind.setText("SANDBOX");
                Label b = Badges.newBadge();
                Badges.sandboxState(b, s.state());
                badges.getChildren().add(b);
                if (s.isolation() != null && !s.isolation().isolated()) badges.getChildren().add(Badges.notIsolated(s.isolation()));
                Claim c = vm.claims().claimOf(shown.id());
                if (c != null) badges.getChildren().add(tag("claimed from " + c.pool()));
                prop(row, "ID", s.id());
                prop(row, "State", s.state().label() + "  (raw: " + s.rawState() + ")");
                if (s.stateReason() != null) prop(row, "Reason", s.stateReason());
                prop(row, "Source", tables.source(s));
                prop(row, "Template", s.templateId());
                prop(row, "Pool", s.poolName());
                prop(row, "Isolation", s.isolation() == null ? null : s.isolation().mechanism()
                        + (s.isolation().isolated() ? "" : " — not isolated") + "\n" + s.isolation().detail());
                prop(row, "Created", when(s.createdAt()));
                prop(row, "State since", when(s.stateChangedAt()));
                prop(row, "Expires", s.expiresAt() == null ? "never" : Formats.full(s.expiresAt()));
                prop(row, "Backend", shown.backend().displayName());
                s.metadata().forEach((k, v) -> prop(row, k, v));
            }
            case Pool p -> {
                kind.setText("POOL");
                if (p.closing()) badges.getChildren().add(tag("deleting"));
                prop(row, "Template", p.templateId());
                prop(row, "Members", p.idle() + " idle · " + p.inUse() + " in use · " + p.starting() + " starting");
                prop(row, "Size", "min idle " + p.minIdle() + " · max " + p.maxSize());
                prop(row, "Claims", p.stats().hits() + " warm · " + p.stats().misses() + " cold  (hit ratio "
                        + (p.stats().hits() + p.stats().misses() == 0 ? "—" : Formats.percent(p.stats().hitRatio())) + ")");
                prop(row, "Claim latency", "p50 " + Formats.latency(p.stats().claimLatency(), false) + " · p99 "
                        + Formats.latency(p.stats().claimLatency(), true));
                prop(row, "Releases", p.stats().releases() + " put back · " + p.stats().markedDead() + " dead · "
                        + p.stats().deadSkipped() + " dead skipped");
                prop(row, "Held here", vm.claims().heldFor(shown.backend().id(), p.name()) + " claims in this window");
                prop(row, "Created", Formats.full(p.createdAt()));
                prop(row, "Backend", shown.backend().displayName());
            }
            case Snapshot s -> {
                kind.setText("SNAPSHOT");
                Label b = Badges.newBadge();
                Badges.snapshotState(b, s.state());
                badges.getChildren().add(b);
                prop(row, "ID", s.id());
                prop(row, "Source", s.sourceSandboxName() + "  (" + s.sourceSandboxId() + ")");
                prop(row, "Lineage", tables.lineage(s));
                prop(row, "Kind", s.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
                prop(row, "Size", Formats.bytes(s.sizeBytes()) + " in " + String.format(Locale.ROOT, "%,d", s.fileCount()) + " files");
                prop(row, "Created", Formats.full(s.createdAt()));
                prop(row, "Location", s.location());
                prop(row, "Backend", shown.backend().displayName());
            }
            case Template t -> {
                kind.setText("TEMPLATE");
                prop(row, "ID", t.id());
                prop(row, "Kind", t.templateKind() == null ? null : t.templateKind().name().toLowerCase(Locale.ROOT));
                prop(row, "Source", t.sourceRef());
                prop(row, "Description", t.description());
                prop(row, "Created", Formats.full(t.createdAt()));
                prop(row, "Backend", shown.backend().displayName());
            }
        }
    }

    /** "2026-11-23 12:53:01 · 3 s ago" */
    private String when(java.time.Instant t) {
        return t == null ? null : Formats.full(t) + " · " + Formats.relative(t, vm.nowProperty().get());
    }

    /**
     * Only the actions that can apply to the shown row: not those its backend lacks altogether ({@link
     * dev.sandtable.app.viewmodel.WindowViewModel#applicable}), and the release buttons only for a sandbox this window
     * claimed from a pool. Greyed out for every other row they are noise; the menus keep them, with the reason.
     */
    private void showApplicableActions() {
        boolean claimed = shown != null && vm.claims().claimOf(shown.id()) != null;
        for (var e : buttonActions.entrySet()) {
            SandtableAction a = e.getValue();
            boolean show = vm.applicable(a) && (a != SandtableAction.RELEASE_PUT && a != SandtableAction.RELEASE_DEAD || claimed);
            e.getKey().setVisible(show);
            e.getKey().setManaged(show);
        }
    }

    private static Label tag(String text) {
        Label l = new Label(text);
        l.getStyleClass().addAll("badge", "badge-neutral");
        return l;
    }

    private void prop(int[] row, String name, String value) {
        Label k = new Label(name);
        k.getStyleClass().add("prop-name");
        Label v = new Label(value == null || value.isBlank() ? "—" : value);
        v.getStyleClass().add("prop-value");
        v.setWrapText(true);
        v.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // a wrapped value gets the lines it needs, never cut
        k.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        props.addRow(row[0]++, k, v);
    }

    private static Label placeholderLabel(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("empty-hint");
        return l;
    }
}
