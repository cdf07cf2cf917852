package dev.sandtable.app.viewmodel;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The global timeline (newest last, bounded) and each resource's own lifecycle history. */
public final class ActivityLog {
    static final int GLOBAL_LIMIT = 2_000;
    static final int PER_RESOURCE_LIMIT = 500;

    private final ObservableList<ActivityEntry> entries = FXCollections.observableArrayList();
    private final Map<String, ObservableList<ActivityEntry>> byRow = new HashMap<>();
    private final List<ActivityEntry> pending = new ArrayList<>();
    private final java.util.Set<ActivityEntry> seen = new java.util.HashSet<>();

    public ObservableList<ActivityEntry> entries() {
        return entries;
    }

    /** The lifecycle of one row (by {@link Row#id()}): live, oldest first. */
    public ObservableList<ActivityEntry> of(String rowId) {
        return byRow.computeIfAbsent(rowId, k -> FXCollections.observableArrayList());
    }

    /** True when this entry is already on the timeline (a history replayed after a reconnect repeats entries). */
    boolean contains(ActivityEntry e) {
        return seen.contains(e);
    }

    void add(String rowId, ActivityEntry e) {
        seen.add(e);
        pending.add(e);
        if (rowId != null) {
            ObservableList<ActivityEntry> list = of(rowId);
            list.add(e);
            if (list.size() > PER_RESOURCE_LIMIT) list.remove(0, list.size() - PER_RESOURCE_LIMIT);
        }
    }

    /** Publishes what {@link #add} collected as one change. */
    void flush() {
        if (pending.isEmpty()) return;
        int overflow = entries.size() + pending.size() - GLOBAL_LIMIT;
        if (overflow > 0) {
            if (overflow >= entries.size()) {
                ArrayDeque<ActivityEntry> keep = new ArrayDeque<>(pending);
                while (keep.size() > GLOBAL_LIMIT) seen.remove(keep.removeFirst());
                entries.forEach(seen::remove);
                entries.setAll(keep);
                pending.clear();
                return;
            }
            entries.subList(0, overflow).forEach(seen::remove);
            entries.remove(0, overflow);
        }
        entries.addAll(pending);
        pending.clear();
    }
}
