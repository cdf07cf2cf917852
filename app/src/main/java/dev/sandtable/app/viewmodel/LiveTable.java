package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Resource;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A live, keyed table of one resource kind across backends, plus its sorted and filtered view.
 *
 * <p>It keeps the view itself instead of stacking FilteredList and SortedList: an update replaces the row's value in
 * place and moves the row only when the sort order or the filter asks for it, in O(log n) to find it plus one
 * array move. The view is always sorted by (comparator, arrival), a total order, so a row is found by binary search
 * with the value it was placed with.
 */
public final class LiveTable<R extends Resource> {
    private final Map<String, Row<R>> index = new LinkedHashMap<>();
    private final RowList<Row<R>> view = new RowList<>();
    private final Function<R, ?> groupOf;
    private final Map<Object, Integer> groupCounts = new HashMap<>();
    private final ReadOnlyIntegerWrapper total = new ReadOnlyIntegerWrapper();
    private Comparator<R> order;
    private Predicate<R> filter = r -> true;
    private long nextSeq;

    /** @param groupOf what to count rows by (the state), or null */
    public LiveTable(Function<R, ?> groupOf) {
        this.groupOf = groupOf;
    }

    /** The sorted, filtered rows: give this to the TableView. */
    public RowList<Row<R>> rows() {
        return view;
    }

    public Collection<Row<R>> allRows() {
        return index.values();
    }

    public Row<R> find(String rowId) {
        return index.get(rowId);
    }

    public Row<R> find(String backendId, String key) {
        return index.get(Row.idOf(backendId, key));
    }

    /** First row whose value has this name (any backend), or null. */
    public Row<R> findByName(String name) {
        for (Row<R> r : index.values()) if (r.value().name().equals(name)) return r;
        return null;
    }

    public int size() {
        return index.size();
    }

    public ReadOnlyIntegerProperty totalProperty() {
        return total.getReadOnlyProperty();
    }

    public int count(Object group) {
        return groupCounts.getOrDefault(group, 0);
    }

    /** Index of the row in the view, or -1 when it is filtered out or gone. O(log n). */
    public int indexOf(Row<R> row) {
        if (row == null || !row.inView || index.get(row.id()) != row) return -1;
        int i = view.search(row, rowOrder(row, row.value()));
        return i < 0 ? -1 : i;
    }

    /** Groups every edit until {@link #endBatch()} into one list change. */
    public void beginBatch() {
        view.begin();
    }

    public void endBatch() {
        view.end();
        total.set(index.size());
    }

    public void upsert(BackendViewModel backend, R value) {
        String id = Row.idOf(backend.id(), value.key());
        Row<R> row = index.get(id);
        if (row == null) {
            row = new Row<>(backend, value, nextSeq++);
            index.put(id, row);
            countIn(value);
            if (filter.test(value)) place(row);
            total.set(index.size());
            return;
        }
        R old = row.value();
        countOut(old);
        countIn(value);
        boolean now = filter.test(value);
        if (row.inView) {
            int at = locate(row, old);
            row.set(value);
            if (!now) {
                view.removeAt(at);
                row.inView = false;
            } else if (order != null && !fits(at, row)) {
                view.removeAt(at);
                place(row);
            }
        } else {
            row.set(value);
            if (now) place(row);
        }
    }

    public void remove(String backendId, String key) {
        Row<R> row = index.get(Row.idOf(backendId, key));
        if (row == null) return;
        if (row.inView) {
            int at = locate(row, row.value());
            if (at >= 0) view.removeAt(at);
            row.inView = false;
        }
        index.remove(row.id());
        countOut(row.value());
        total.set(index.size());
    }

    /** A full list from one backend (initial sync or relist): keeps rows that still exist, drops the others. */
    public void replaceAll(BackendViewModel backend, List<R> values) {
        Set<String> seen = new HashSet<>();
        for (R v : values) {
            String id = Row.idOf(backend.id(), v.key());
            seen.add(id);
            Row<R> row = index.get(id);
            if (row == null) {
                index.put(id, new Row<>(backend, v, nextSeq++));
            } else {
                countOut(row.value());
                row.set(v);
            }
            countIn(v);
        }
        for (Iterator<Row<R>> it = index.values().iterator(); it.hasNext(); ) {
            Row<R> row = it.next();
            if (row.backend() == backend && !seen.contains(row.id())) {
                it.remove();
                countOut(row.value());
                row.inView = false;
            }
        }
        rebuildView();
        total.set(index.size());
    }

    /** Sort by this comparator (null: arrival order). Reported as a permutation so selections survive. */
    public void sort(Comparator<R> comparator) {
        this.order = comparator;
        view.sortWith(this::compareRows);
    }

    public Comparator<R> order() {
        return order;
    }

    public void setFilter(Predicate<R> predicate) {
        this.filter = predicate == null ? r -> true : predicate;
        rebuildView();
    }

    private void rebuildView() {
        List<Row<R>> rows = new ArrayList<>();
        for (Row<R> row : index.values()) {
            row.inView = filter.test(row.value());
            if (row.inView) rows.add(row);
        }
        // index iterates in arrival order already; only a column sort needs sorting
        if (order != null) rows.sort(this::compareRows);
        view.replaceAll(rows);
    }

    private int locate(Row<R> row, R placedValue) {
        int at = view.search(row, rowOrder(row, placedValue));
        return at >= 0 ? at : view.indexOf(row); // only if a comparator is inconsistent; never expected
    }

    private void place(Row<R> row) {
        int at = view.search(row, this::compareRows);
        view.insert(at < 0 ? -(at + 1) : at, row);
        row.inView = true;
    }

    /** Is the row, with its new value, still between its neighbours at this index? */
    private boolean fits(int at, Row<R> row) {
        if (at > 0 && compareRows(view.get(at - 1), row) > 0) return false;
        return at >= view.size() - 1 || compareRows(row, view.get(at + 1)) <= 0;
    }

    private int compareRows(Row<R> a, Row<R> b) {
        return compare(a, a.value(), b, b.value());
    }

    private int compare(Row<R> a, R va, Row<R> b, R vb) {
        if (order != null) {
            int c = order.compare(va, vb);
            if (c != 0) return c;
        }
        return Long.compare(a.seq(), b.seq());
    }

    /** Compares view rows with {@code row} as if it still had {@code placedValue}. */
    private Comparator<Row<R>> rowOrder(Row<R> row, R placedValue) {
        return (a, b) -> {
            R va = a == row ? placedValue : a.value();
            R vb = b == row ? placedValue : b.value();
            return compare(a, va, b, vb);
        };
    }

    private void countIn(R v) {
        if (groupOf != null) groupCounts.merge(Objects.requireNonNullElse(groupOf.apply(v), "none"), 1, Integer::sum);
    }

    private void countOut(R v) {
        if (groupOf != null) groupCounts.merge(Objects.requireNonNullElse(groupOf.apply(v), "none"), -1, Integer::sum);
    }
}
