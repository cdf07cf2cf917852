package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Resource;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * One table row: a stable object per resource, whose {@link #valueProperty()} is replaced in place when the backend
 * reports a change. Cells observe the property, so an update repaints the row without any list change.
 */
public final class Row<R extends Resource> {
    private final BackendViewModel backend;
    private final String id;
    private final long seq;
    private final ReadOnlyObjectWrapper<R> value;
    boolean inView;
    /** The value the row was last placed in the view with: the view is sorted by it (see LiveTable). */
    R placed;
    /** Scratch: the row's index in the view while a permutation is computed. */
    int slot;
    private String search;
    private R searchOf;

    Row(BackendViewModel backend, R value, long seq) {
        this.backend = backend;
        this.id = idOf(backend.id(), value.key());
        this.seq = seq;
        this.value = new ReadOnlyObjectWrapper<>(value);
        this.placed = value;
    }

    static String idOf(String backendId, String key) {
        return backendId + "/" + key;
    }

    /** Unique across backends: "backendId/key". */
    public String id() {
        return id;
    }

    public BackendViewModel backend() {
        return backend;
    }

    public R value() {
        return value.get();
    }

    public ReadOnlyObjectProperty<R> valueProperty() {
        return value.getReadOnlyProperty();
    }

    /** Arrival order: the table's order when no column is sorted, and the tie breaker otherwise. */
    long seq() {
        return seq;
    }

    void set(R newValue) {
        value.set(newValue);
    }

    /** The lower-case text a filter matches against, computed once per value. */
    String searchText(java.util.function.Function<? super R, String> text) {
        R v = value.get();
        if (searchOf != v) {
            search = text.apply(v).toLowerCase(java.util.Locale.ROOT);
            searchOf = v;
        }
        return search;
    }

    public boolean inView() {
        return inView;
    }

    @Override
    public String toString() {
        return id;
    }
}
