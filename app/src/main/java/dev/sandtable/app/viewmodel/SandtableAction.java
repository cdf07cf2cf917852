package dev.sandtable.app.viewmodel;

import dev.sandtable.model.ResourceKind;
import dev.sandtable.spi.Operation;

/**
 * Every action of the window: its label, its shortcut (KeyCombination syntax, shown in menus, tooltips and the
 * palette), the kind of row it acts on (null: acts on the backend), and the backend operation it needs.
 */
public enum SandtableAction {
    CREATE_SANDBOX("New sandbox…", "Shortcut+N", null, Operation.CREATE, "Create a sandbox from a template or a snapshot"),
    PAUSE("Pause", "Shortcut+P", ResourceKind.SANDBOX, Operation.PAUSE, "Pause the selected sandbox"),
    RESUME("Resume", "Shortcut+R", ResourceKind.SANDBOX, Operation.RESUME, "Resume the selected sandbox"),
    STOP("Stop", "Shortcut+Shift+S", ResourceKind.SANDBOX, Operation.STOP, "Stop the selected sandbox: its processes end, its files stay; Resume starts it again"),
    SNAPSHOT("Snapshot…", "Shortcut+S", ResourceKind.SANDBOX, Operation.SNAPSHOT, "Take a snapshot of the selected sandbox"),
    DESTROY("Destroy…", "Shortcut+D", ResourceKind.SANDBOX, Operation.DESTROY, "Destroy the selected sandbox"),
    OPEN_TERMINAL("Open terminal", "Shortcut+T", ResourceKind.SANDBOX, Operation.TERMINAL, "Open a terminal tab in the selected sandbox"),
    WATCH_DIRECTORY("Watch directory…", "Shortcut+Shift+W", ResourceKind.SANDBOX, Operation.WATCH_DIR, "Watch a directory of the selected sandbox for changes"),
    RELEASE_PUT("Release to pool", "Shortcut+Shift+P", ResourceKind.SANDBOX, Operation.POOL_RELEASE, "Put the claimed sandbox back into its pool"),
    RELEASE_DEAD("Release as dead", "Shortcut+Shift+X", ResourceKind.SANDBOX, Operation.POOL_RELEASE, "Release the claimed sandbox as broken: it is destroyed"),
    RESTORE("Restore…", "Shortcut+Shift+R", ResourceKind.SNAPSHOT, Operation.RESTORE, "Restore the selected snapshot into new sandboxes"),
    MAKE_TEMPLATE("Make template…", "Shortcut+Shift+T", ResourceKind.SNAPSHOT, Operation.TEMPLATE_CREATE, "Make a template from the selected snapshot"),
    DELETE_SNAPSHOT("Delete snapshot…", "Shortcut+Shift+D", ResourceKind.SNAPSHOT, Operation.DELETE_SNAPSHOT, "Delete the selected snapshot"),
    CREATE_POOL("New pool…", "Shortcut+Shift+N", null, Operation.POOL_CREATE, "Create a warm pool"),
    CLAIM("Claim from pool", "Shortcut+Shift+C", ResourceKind.POOL, Operation.POOL_CLAIM, "Claim a sandbox from the selected pool"),
    RESIZE_POOL("Resize pool…", "Shortcut+Shift+E", ResourceKind.POOL, Operation.POOL_RESIZE, "Change the selected pool's min idle and max size"),
    DELETE_POOL("Delete pool…", "Shortcut+Shift+Delete", ResourceKind.POOL, Operation.POOL_DELETE, "Delete the selected pool and its members"),
    CREATE_FROM_TEMPLATE("New sandbox from template…", "Shortcut+Shift+O", ResourceKind.TEMPLATE, Operation.CREATE, "Create a sandbox from the selected template"),
    DELETE_TEMPLATE("Delete template…", "Shortcut+Shift+Back_Space", ResourceKind.TEMPLATE, Operation.TEMPLATE_DELETE, "Delete the selected template"),
    /** Acts on the window, not on a backend: no operation. */
    ADD_BACKEND("Add backend…", "Shortcut+Shift+B", null, null, "Add an E2B-compatible backend (E2B, CubeSandbox, another sandtable serve)"),
    /** Acts on the backend selected in the sidebar. */
    REMOVE_BACKEND("Remove backend…", "Shortcut+Alt+B", null, null, "Remove the added backend selected in the sidebar"),
    /** Opens the latency lab's window for the selected sandbox (or with a sandbox picker): no operation. */
    LATENCY_LAB("Latency lab…", "Shortcut+Shift+L", null, null, "Measure the latency of a sandbox's streams, directly and through a proxy (A/B)"),
    // ---- devices (the native helper; no backend operation) ----
    /** Opens the Devices window. */
    OPEN_DEVICES("Devices…", "Shortcut+Alt+D", null, null, "Block devices and IO benchmarks through the native helper"),
    EXPORT_IMAGE("Export as disk image…", "Shortcut+Shift+I", ResourceKind.SNAPSHOT, null, "Write the selected local snapshot as a raw ext4 image"),
    ATTACH_SNAPSHOT("Attach as device", "Shortcut+Shift+A", ResourceKind.SNAPSHOT, null, "Export the selected local snapshot if needed and attach it read-only as a block device");

    private final String label;
    private final String shortcut;
    private final ResourceKind target;
    private final Operation operation;
    private final String description;

    SandtableAction(String label, String shortcut, ResourceKind target, Operation operation, String description) {
        this.label = label;
        this.shortcut = shortcut;
        this.target = target;
        this.operation = operation;
        this.description = description;
    }

    public String label() {
        return label;
    }

    /** Label without the trailing ellipsis, for palette entries and progress text. */
    public String plainLabel() {
        return label.replace("…", "");
    }

    public String shortcut() {
        return shortcut;
    }

    /** The kind of the selected row it acts on, or null when it needs no selection. */
    public ResourceKind target() {
        return target;
    }

    /** The backend operation it needs; null for the window's own actions (adding and removing backends). */
    public Operation operation() {
        return operation;
    }

    public String description() {
        return description;
    }

    /** "Ctrl+Shift+R" for display on Linux and Windows. */
    public String shortcutText() {
        return shortcut.replace("Shortcut", "Ctrl").replace("Back_Space", "Backspace");
    }
}
