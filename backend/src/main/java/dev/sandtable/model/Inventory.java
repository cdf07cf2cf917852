package dev.sandtable.model;

import java.util.List;

/** Everything a backend lists at one moment: the initial state of a live view. */
public record Inventory(List<Sandbox> sandboxes, List<Pool> pools, List<Snapshot> snapshots, List<Template> templates) {
    public static final Inventory EMPTY = new Inventory(List.of(), List.of(), List.of(), List.of());

    public Inventory {
        sandboxes = List.copyOf(sandboxes);
        pools = List.copyOf(pools);
        snapshots = List.copyOf(snapshots);
        templates = List.copyOf(templates);
    }
}
