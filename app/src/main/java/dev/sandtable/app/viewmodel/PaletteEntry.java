package dev.sandtable.app.viewmodel;

import dev.sandtable.model.ResourceKind;

/**
 * One result of the command palette: an action to run on the current selection, or a resource to select.
 *
 * @param label        what is matched and shown ("Pause", "web-1")
 * @param detail       second line ("Sandbox · running · Local", or the shortcut)
 * @param action       the action, or null for a resource
 * @param row          the resource's row, or null for an action
 * @param kind         the resource kind of {@code row}
 * @param availability whether the action can run now
 * @param score        fuzzy score (higher first)
 */
public record PaletteEntry(String label, String detail, SandtableAction action, Row<?> row, ResourceKind kind,
                           Availability availability, int score) {
    public boolean isAction() {
        return action != null;
    }
}
