package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.Formats;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.app.viewmodel.WindowViewModel;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Function;

/** The four resource tables and their columns. */
final class Tables {
    private final WindowViewModel vm;

    Tables(WindowViewModel vm) {
        this.vm = vm;
    }

    ResourceTable<Sandbox> sandboxes() {
        var t = new ResourceTable<>(vm.inventory().sandboxes(), vm.selectedSandboxProperty(), "sandbox-table");
        t.graphic("Name", 170, Tables::nameLabel, (l, s) -> l.setText(s.name()), Comparator.comparing(Sandbox::name)).setMinWidth(110);
        // rows of several backends would be ambiguous: the column shows while more than one backend is in the window
        var backendCol = t.column("Backend", 110, () -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(Sandbox item, boolean empty) {
                super.updateItem(item, empty);
                var row = getTableRow() == null ? null : getTableRow().getItem();
                setText(empty || item == null || row == null ? null : row.backend().displayName());
            }
        }, null);
        backendCol.setMinWidth(70);
        backendCol.setId("sandbox-backend-column");
        backendCol.visibleProperty().bind(javafx.beans.binding.Bindings.size(vm.inventory().backends()).greaterThan(1));
        var stateCol = t.graphic("State", 120, Badges::newBadge, (b, s) -> {
            Badges.sandboxState(b, s.state());
            if (s.stateReason() == null) b.setTooltip(null);
            else if (b.getTooltip() == null) b.setTooltip(new javafx.scene.control.Tooltip(s.stateReason()));
            else b.getTooltip().setText(s.stateReason());
        }, Comparator.comparing(Sandbox::state));
        stateCol.setMinWidth(110);
        t.text("Source", 190, s -> source(s), s -> source(s)).setMinWidth(90);
        t.text("Pool", 80, s -> s.poolName() == null ? "—" : s.poolName(), s -> s.poolName() == null ? "" : s.poolName()).setMinWidth(56);
        t.graphic("Isolation", 124, IsolationCell::new, IsolationCell::show,
                Comparator.comparing((Sandbox s) -> s.isolation() != null && s.isolation().isolated())).setMinWidth(118);
        time(t, "Created", Sandbox::createdAt);
        time(t, "Changed", Sandbox::stateChangedAt);
        t.placeholder("No sandboxes yet", "Press Ctrl+N to create one from a template, or restore a snapshot. "
                + "Sandboxes claimed from pools show up here too.");
        return t;
    }

    /** A bold name; its tooltip shows the whole name when the column is too narrow for it. */
    static Label nameLabel() {
        Label l = new Label();
        l.getStyleClass().add("cell-name");
        ResourceTable.tooltipWhenTruncated(l);
        return l;
    }

    String source(Sandbox s) {
        String ref = s.sourceRef() == null ? "" : s.sourceRef();
        return switch (s.sourceKind()) {
            case TEMPLATE -> "template " + templateName(ref);
            case SNAPSHOT -> "snapshot " + snapshotName(ref);
            case POOL -> "pool " + ref;
            case IMAGE -> "image " + ref;
            case UNKNOWN -> ref.isEmpty() ? "—" : ref;
        };
    }

    private String snapshotName(String id) {
        for (var b : vm.inventory().backends()) {
            Row<Snapshot> r = vm.inventory().snapshots().find(b.id(), id);
            if (r != null) return r.value().name();
        }
        return id;
    }

    private String templateName(String id) {
        for (var b : vm.inventory().backends()) {
            Row<Template> r = vm.inventory().templates().find(b.id(), id);
            if (r != null) return r.value().name();
        }
        return id;
    }

    ResourceTable<Pool> pools() {
        var t = new ResourceTable<>(vm.inventory().pools(), vm.selectedPoolProperty(), "pool-table");
        t.graphic("Name", 170, Tables::nameLabel, (l, p) -> l.setText(p.closing() ? p.name() + " (deleting)" : p.name()),
                Comparator.comparing(Pool::name)).setMinWidth(110);
        t.text("Template", 130, p -> templateName(p.templateId()), Pool::templateId).setMinWidth(96);
        number(t, "Idle", Pool::idle);
        number(t, "In use", Pool::inUse);
        number(t, "Min", Pool::minIdle);
        number(t, "Max", Pool::maxSize);
        // the count beside the bar, not on it: text over a filled bar is unreadable
        t.graphic("Usage", 140, () -> {
            ProgressBar bar = new ProgressBar();
            bar.setMaxWidth(Double.MAX_VALUE);
            bar.setMinWidth(30);
            HBox.setHgrow(bar, Priority.ALWAYS);
            Label l = new Label();
            l.getStyleClass().add("usage-label");
            l.setMinWidth(Region.USE_PREF_SIZE);
            HBox box = new HBox(8, bar, l);
            box.setAlignment(Pos.CENTER_LEFT);
            return box;
        }, (box, p) -> {
            ((ProgressBar) box.getChildren().get(0)).setProgress(p.maxSize() == 0 ? 0 : (double) p.size() / p.maxSize());
            ((Label) box.getChildren().get(1)).setText(p.size() + " / " + p.maxSize());
        }, Comparator.comparingDouble(p -> p.maxSize() == 0 ? 0 : (double) p.size() / p.maxSize())).setMinWidth(100);
        t.text("Hit %", 70, p -> p.stats().hits() + p.stats().misses() == 0 ? "—" : Formats.percent(p.stats().hitRatio()),
                p -> p.stats().hitRatio()).setMinWidth(64);
        t.text("p50", 80, p -> Formats.latency(p.stats().claimLatency(), false), p -> p.stats().claimLatency().p50Micros());
        t.text("p99", 80, p -> Formats.latency(p.stats().claimLatency(), true), p -> p.stats().claimLatency().p99Micros());
        t.placeholder("No pools", "A warm pool keeps idle sandboxes ready so claims are instant. Press Ctrl+Shift+N to create one.");
        return t;
    }

    private static <K> void number(ResourceTable<Pool> t, String title, java.util.function.ToIntFunction<Pool> f) {
        var col = t.text(title, 62, p -> Integer.toString(f.applyAsInt(p)), p -> f.applyAsInt(p));
        col.setMinWidth(title.length() * 9 + 22);
        col.getStyleClass().add("numeric");
    }

    ResourceTable<Snapshot> snapshots() {
        var t = new ResourceTable<>(vm.inventory().snapshots(), vm.selectedSnapshotProperty(), "snapshot-table");
        t.graphic("Name", 180, Tables::nameLabel, (l, s) -> l.setText(s.name()), Comparator.comparing(Snapshot::name)).setMinWidth(130);
        t.graphic("State", 100, Badges::newBadge, (b, s) -> Badges.snapshotState(b, s.state()), Comparator.comparing(Snapshot::state))
                .setMinWidth(100);
        t.text("Source", 120, s -> s.sourceSandboxName() == null ? "—" : s.sourceSandboxName(), Snapshot::sourceSandboxName).setMinWidth(80);
        t.text("Lineage", 160, this::lineage, this::lineage).setMinWidth(90);
        t.text("Kind", 100, s -> s.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), Snapshot::kind).setMinWidth(90);
        var size = t.text("Size", 80, s -> Formats.bytes(s.sizeBytes()), Snapshot::sizeBytes);
        size.getStyleClass().add("numeric");
        var files = t.text("Files", 64, s -> String.format(Locale.ROOT, "%,d", s.fileCount()), Snapshot::fileCount);
        files.getStyleClass().add("numeric");
        files.setMinWidth(56);
        time(t, "Created", Snapshot::createdAt);
        t.placeholder("No snapshots", "Select a sandbox and press Ctrl+S to snapshot it. A snapshot can be restored into any "
                + "number of new sandboxes.");
        return t;
    }

    /** "base › child" for a snapshot whose source was restored from other snapshots; "—" for a root. */
    String lineage(Snapshot s) {
        StringBuilder sb = new StringBuilder();
        String parent = s.parentSnapshotId();
        int depth = 0;
        while (parent != null && depth++ < 8) {
            String id = parent;
            Snapshot p = null;
            for (var b : vm.inventory().backends()) {
                Row<Snapshot> r = vm.inventory().snapshots().find(b.id(), id);
                if (r != null) p = r.value();
            }
            sb.insert(0, (p == null ? id + " (deleted)" : p.name()) + (sb.isEmpty() ? "" : " › "));
            parent = p == null ? null : p.parentSnapshotId();
        }
        return sb.isEmpty() ? "—" : sb.toString();
    }

    ResourceTable<Template> templates() {
        var t = new ResourceTable<>(vm.inventory().templates(), vm.selectedTemplateProperty(), "template-table");
        t.graphic("Name", 180, Tables::nameLabel, (l, s) -> l.setText(s.name()), Comparator.comparing(Template::name)).setMinWidth(110);
        t.text("Kind", 110, s -> s.templateKind() == null ? "—" : s.templateKind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                Template::templateKind);
        t.text("Source", 160, s -> s.sourceRef() == null ? "—" : snapshotName(s.sourceRef()), s -> s.sourceRef() == null ? "" : s.sourceRef());
        t.text("Description", 320, s -> s.description() == null ? "" : s.description(), s -> s.description() == null ? "" : s.description());
        time(t, "Created", Template::createdAt);
        t.placeholder("No templates", "Templates come from the backend; make one from a snapshot with Ctrl+Shift+T.");
        return t;
    }

    private <R extends dev.sandtable.model.Resource> void time(ResourceTable<R> t, String title, Function<R, Instant> f) {
        var col = t.graphic(title, 100, () -> new RelativeTimeLabel(vm.nowProperty()), (l, r) -> l.setTime(f.apply(r)),
                Comparator.comparing(f, Comparator.nullsFirst(Comparator.naturalOrder())));
        col.setMinWidth(80); // "59 min ago" fits
        col.getStyleClass().add("time-column");
    }
}
