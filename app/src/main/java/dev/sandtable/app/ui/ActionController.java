package dev.sandtable.app.ui;

import atlantafx.base.theme.Styles;
import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.app.viewmodel.Availability;
import dev.sandtable.app.viewmodel.Notifier;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.app.viewmodel.SandtableAction;
import dev.sandtable.app.viewmodel.WindowViewModel;
import dev.sandtable.model.Pool;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import javafx.scene.control.Button;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every control that runs an action (menu items, toolbar and details buttons, the palette) goes through here:
 * one place that knows whether an action may run, why not, and which dialog collects its input.
 */
final class ActionController {
    private final WindowViewModel vm;
    private final Dialogs dialogs;
    private final Notifier notifier;
    private final Map<SandtableAction, List<MenuItem>> menuItems = new EnumMap<>(SandtableAction.class);
    private final Map<SandtableAction, List<Button>> buttons = new EnumMap<>(SandtableAction.class);
    private final Map<Button, Tooltip> tips = new java.util.HashMap<>();

    ActionController(WindowViewModel vm, Dialogs dialogs, Notifier notifier) {
        this.vm = vm;
        this.dialogs = dialogs;
        this.notifier = notifier;
    }

    MenuItem menuItem(SandtableAction a) {
        MenuItem m = new MenuItem(a.label());
        m.setAccelerator(Shortcuts.parse(a.shortcut()));
        m.setOnAction(e -> run(a));
        m.setId("menu-" + a.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        menuItems.computeIfAbsent(a, k -> new ArrayList<>()).add(m);
        return m;
    }

    /** A button for an action, wrapped so that its tooltip (with the reason it is disabled) still shows. */
    StackPane button(SandtableAction a, boolean primary) {
        Button b = new Button(a.plainLabel());
        b.getStyleClass().add(primary ? Styles.ACCENT : "action-button");
        if (a == SandtableAction.DESTROY || a.name().startsWith("DELETE") || a == SandtableAction.RELEASE_DEAD) b.getStyleClass().add("danger-action");
        b.setOnAction(e -> run(a));
        b.setFocusTraversable(false);
        b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        b.setId("action-" + a.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        buttons.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
        StackPane wrap = new StackPane(b);
        wrap.getStyleClass().add("action-wrap");
        wrap.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        Tooltip tip = new Tooltip();
        tip.setShowDelay(javafx.util.Duration.millis(300));
        Tooltip.install(wrap, tip);
        tips.put(b, tip);
        return wrap;
    }

    /** Re-evaluates every action's availability (cheap: a few rules per action). */
    void refresh() {
        for (SandtableAction a : SandtableAction.values()) {
            Availability av = vm.availability(a);
            for (MenuItem m : menuItems.getOrDefault(a, List.of())) m.setDisable(!av.enabled());
            for (Button b : buttons.getOrDefault(a, List.of())) {
                b.setDisable(!av.enabled());
                String tip = a.description() + "  (" + a.shortcutText() + ")";
                tips.get(b).setText(av.enabled() ? tip : tip + "\n" + av.reason());
            }
        }
    }

    @SuppressWarnings("unchecked")
    void run(SandtableAction a) {
        Availability av = vm.availability(a);
        if (!av.enabled()) {
            notifier.info(a.plainLabel() + " is not available", av.reason());
            return;
        }
        Row<?> row = a.target() == null ? null : vm.selected(a.target());
        switch (a) {
            case ADD_BACKEND -> addBackend();
            case LATENCY_LAB -> {
                Row<Sandbox> s = vm.selectedSandboxProperty().get();
                dev.sandtable.app.latency.LatencyWindow.open(vm.inventory(), s == null ? null : dev.sandtable.app.latency.SandboxChoices.key(s));
            }
            case REMOVE_BACKEND -> {
                var b = vm.selectedBackendProperty().get();
                if (dialogs.confirm("Remove " + b.displayName() + "?", "Its sandboxes keep running on " + b.info().endpoint()
                        + "; the window stops showing them and forgets the backend's key.", "Remove")) vm.removeBackend(b);
            }
            case CREATE_SANDBOX -> createSandbox(null);
            case CREATE_FROM_TEMPLATE -> createSandbox(new Dialogs.Source(row));
            case PAUSE -> vm.pause((Row<Sandbox>) row);
            case RESUME -> vm.resume((Row<Sandbox>) row);
            case STOP -> vm.stop((Row<Sandbox>) row);
            case SNAPSHOT -> {
                Row<Sandbox> s = (Row<Sandbox>) row;
                dialogs.snapshotName(s.value().name(), suggestSnapshotName(s.value().name()))
                        .ifPresent(name -> vm.snapshot(s, name));
            }
            case DESTROY -> {
                Row<Sandbox> s = (Row<Sandbox>) row;
                if (dialogs.confirm("Destroy " + s.value().name() + "?", "The sandbox and its files are deleted. Snapshots taken "
                        + "of it stay.", "Destroy")) vm.destroy(s);
            }
            case OPEN_TERMINAL -> dev.sandtable.app.terminal.TerminalWindow.open(row.backend().backend(), row.value().key(), row.value().name());
            case WATCH_DIRECTORY -> dev.sandtable.app.watch.WatchWindow.open(row.backend().backend(), row.value().key(), row.value().name());
            case RELEASE_PUT -> vm.release((Row<Sandbox>) row, ReleaseMode.PUT);
            case RELEASE_DEAD -> vm.release((Row<Sandbox>) row, ReleaseMode.DEAD);
            case RESTORE -> {
                Row<Snapshot> s = (Row<Snapshot>) row;
                String base = s.value().sourceSandboxName() == null ? s.value().name() : s.value().sourceSandboxName();
                dialogs.restore(s.value().name(), uniqueSandboxBase(base + "-copy")).ifPresent(r -> vm.restore(s, r.baseName(), r.count()));
            }
            case MAKE_TEMPLATE -> {
                Row<Snapshot> s = (Row<Snapshot>) row;
                dialogs.templateName(s.value().name(), s.value().name() + "-tpl").ifPresent(n -> vm.makeTemplate(s, n));
            }
            case DELETE_SNAPSHOT -> {
                Row<Snapshot> s = (Row<Snapshot>) row;
                if (dialogs.confirm("Delete snapshot " + s.value().name() + "?", "Sandboxes restored from it keep running.", "Delete"))
                    vm.deleteSnapshot(s);
            }
            case CREATE_POOL -> {
                var b = vm.targetBackend();
                List<Row<Template>> templates = vm.inventory().templates().allRows().stream().filter(r -> r.backend() == b).toList();
                dialogs.createPool(templates, uniquePoolName()).ifPresent(f ->
                        vm.createPool(b, new PoolSpec(f.name(), f.template().value().id(), f.minIdle(), f.maxSize())));
            }
            case CLAIM -> vm.claim((Row<Pool>) row);
            case RESIZE_POOL -> {
                Row<Pool> p = (Row<Pool>) row;
                dialogs.resize(p.value()).ifPresent(r -> vm.resizePool(p, r.minIdle(), r.maxSize()));
            }
            case DELETE_POOL -> {
                Row<Pool> p = (Row<Pool>) row;
                if (dialogs.confirm("Delete pool " + p.value().name() + "?", "Its idle members are destroyed; "
                        + p.value().inUse() + " claimed sandboxes are destroyed too.", "Delete")) vm.deletePool(p);
            }
            case OPEN_DEVICES -> dev.sandtable.app.devices.DevicesWindow.open(vm.devices());
            case EXPORT_IMAGE -> {
                Row<Snapshot> s = (Row<Snapshot>) row;
                dialogs.imageFile(s.value().name(), dev.sandtable.app.devices.SnapshotImages.defaultImage(s))
                        .ifPresent(path -> vm.exportImage(s, path));
            }
            case ATTACH_SNAPSHOT -> vm.attachSnapshot((Row<Snapshot>) row);
            case DELETE_TEMPLATE -> {
                Row<Template> t = (Row<Template>) row;
                if (dialogs.confirm("Delete template " + t.value().name() + "?", "Existing sandboxes and pools keep running.", "Delete"))
                    vm.deleteTemplate(t);
            }
        }
    }

    private void addBackend() {
        dialogs.addBackend(RemoteBackendSpec.defaults(System.getenv()), vm.remotes()::problem).ifPresent(spec -> {
            try {
                vm.addBackend(spec);
            } catch (SandtableException e) {
                notifier.error("Could not add " + spec.name(), e.getMessage());
            }
        });
    }

    private void createSandbox(Dialogs.Source preselected) {
        var b = preselected == null ? vm.targetBackend() : preselected.row().backend();
        List<Dialogs.Source> sources = new ArrayList<>();
        vm.inventory().templates().allRows().stream().filter(r -> r.backend() == b).forEach(r -> sources.add(new Dialogs.Source(r)));
        vm.inventory().snapshots().allRows().stream().filter(r -> r.backend() == b).forEach(r -> sources.add(new Dialogs.Source(r)));
        Dialogs.Source pre = preselected;
        if (pre == null && vm.currentViewProperty().get() == ResourceKind.SNAPSHOT && vm.selectedSnapshotProperty().get() != null)
            pre = new Dialogs.Source(vm.selectedSnapshotProperty().get());
        if (pre != null) {
            Row<?> want = pre.row();
            pre = sources.stream().filter(s -> s.row() == want).findFirst().orElse(null);
        }
        dialogs.createSandbox(sources, pre).ifPresent(c -> {
            Row<?> src = c.source().row();
            if (src.value() instanceof Snapshot s) vm.createSandbox(b, c.name(), null, s.id());
            else vm.createSandbox(b, c.name(), src.value().key(), null);
        });
    }

    private String suggestSnapshotName(String sandbox) {
        for (int i = 1; ; i++) {
            String n = sandbox + "-snap" + (i == 1 ? "" : "-" + i);
            if (vm.inventory().snapshots().findByName(n) == null) return n;
        }
    }

    private String uniqueSandboxBase(String base) {
        String b = base.length() > 50 ? base.substring(0, 50) : base;
        for (int i = 1; ; i++) {
            String n = i == 1 ? b : b + i;
            if (vm.inventory().sandboxes().findByName(n) == null && vm.inventory().sandboxes().findByName(n + "-1") == null) return n;
        }
    }

    private String uniquePoolName() {
        for (int i = 1; ; i++) {
            String n = i == 1 ? "pool" : "pool-" + i;
            if (vm.inventory().pools().findByName(n) == null) return n;
        }
    }
}
