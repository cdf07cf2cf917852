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
    private Predicate<Row<R>> filter = r -> true;
    private long nextSeq;
    private final java.util.LinkedHashSet<Row<R>> moved = new java.util.LinkedHashSet<>();
    private boolean reorderImmediately = true;
    private java.util.function.Consumer<Row<R>> prepare = r -> { };

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
        return locate(row);
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
            prepare.accept(row);
            if (filter.test(row)) place(row);
            total.set(index.size());
            return;
        }
        countOut(row.value());
        countIn(value);
        row.set(value);
        prepare.accept(row);
        if (row.inView) {
            int at = locate(row);
            if (filter.test(row) && (order == null || fits(at, row))) row.placed = value; // stays where it is
            else moved.add(row);
        } else if (filter.test(row)) {
            moved.add(row);
        }
        if (reorderImmediately) applyMoves();
    }

    public void remove(String backendId, String key) {
        Row<R> row = index.get(Row.idOf(backendId, key));
        if (row == null) return;
        if (row.inView) {
            int at = locate(row);
            if (at >= 0) view.removeAt(at);
            row.inView = false;
        }
        moved.remove(row);
        index.remove(row.id());
        countOut(row.value());
        total.set(index.size());
    }

    /**
     * Moves rows whose update changed their sort position or filter membership. Until then they keep their place
     * (showing their new values): the window does this about once a second, so a churning sorted table is not
     * re-laid out on every pulse.
     */
    public void applyMoves() {
        if (moved.isEmpty()) return;
        // rows that leave or join the view: one list edit each
        List<Row<R>> stay = new ArrayList<>();
        for (Row<R> row : moved) {
            boolean want = index.get(row.id()) == row && filter.test(row);
            if (row.inView && !want) {
                int at = locate(row);
                if (at >= 0) view.removeAt(at);
                row.inView = false;
            } else if (row.inView) {
                stay.add(row);
            }
        }
        // rows that only change place: merge them back in sorted order and report one permutation (keeps selection)
        if (!stay.isEmpty()) mergeBack(stay);
        for (Row<R> row : moved) if (!row.inView && index.get(row.id()) == row && filter.test(row)) place(row);
        moved.clear();
    }

    /**
     * Takes the rows out (found by binary search with the value they were placed with), then puts each back at its
     * binary-searched place among the others: array copies and int arithmetic per unmoved row, O(m log n)
     * comparisons, and no look-up per unmoved row, so a second's worth of moves in a 50,000-row table costs about
     * a millisecond.
     */
    private void mergeBack(List<Row<R>> stay) {
        int n = view.size(), m = stay.size();
        int[] at = new int[m];
        for (int k = 0; k < m; k++) {
            Row<R> r = stay.get(k);
            r.slot = locate(r);
            at[k] = r.slot;
        }
        java.util.Arrays.sort(at);
        Object[] items = view.toArrayCopy();
        Object[] kept = new Object[n - m];
        int[] keptFrom = new int[n - m]; // old index of each kept row
        int src = 0, dst = 0;
        for (int k : at) {
            int len = k - src;
            System.arraycopy(items, src, kept, dst, len);
            for (int j = 0; j < len; j++) keptFrom[dst + j] = src + j;
            dst += len;
            src = k + 1;
        }
        System.arraycopy(items, src, kept, dst, n - src);
        for (int j = 0; j < n - src; j++) keptFrom[dst + j] = src + j;

        for (Row<R> r : stay) r.placed = r.value();
        stay.sort(this::compareRows);
        Object[] merged = new Object[n];
        int[] perm = new int[n];
        int from = 0, out = 0;
        for (Row<R> r : stay) {
            int pos = insertionPoint(kept, from, r);
            System.arraycopy(kept, from, merged, out, pos - from);
            for (int j = from; j < pos; j++) perm[keptFrom[j]] = out++;
            merged[out] = r;
            perm[r.slot] = out++;
            from = pos;
        }
        System.arraycopy(kept, from, merged, out, kept.length - from);
        for (int j = from; j < kept.length; j++) perm[keptFrom[j]] = out++;
        view.permute(merged, perm);
    }

    /** Where {@code row} goes among the sorted {@code rows}, searching from {@code from} on. */
    @SuppressWarnings("unchecked")
    private int insertionPoint(Object[] rows, int from, Row<R> row) {
        int lo = from, hi = rows.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compareRows((Row<R>) rows[mid], row) < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return lo;
    }

    /** Rows waiting for {@link #applyMoves()}. */
    public int pendingMoves() {
        return moved.size();
    }

    /** Runs on every new or changed row (the filter precomputes its search text, so typing a filter stays fast). */
    public void setRowPreparer(java.util.function.Consumer<Row<R>> preparer) {
        this.prepare = preparer;
        for (Row<R> r : index.values()) preparer.accept(r);
    }

    /** True (the default): every update moves its row at once. False: rows move on {@link #applyMoves()}. */
    public void setReorderImmediately(boolean immediately) {
        this.reorderImmediately = immediately;
        if (immediately) applyMoves();
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
        applyMoves();
        for (Row<R> row : view) row.placed = row.value();
        this.order = comparator;
        view.sortWith(this::compareRows);
    }

    public Comparator<R> order() {
        return order;
    }

    public void setFilter(Predicate<R> predicate) {
        setRowFilter(predicate == null ? null : r -> predicate.test(r.value()));
    }

    /** A filter that may use per-row caches (see {@link FilterModel}). */
    public void setRowFilter(Predicate<Row<R>> predicate) {
        this.filter = predicate == null ? r -> true : predicate;
        rebuildView();
    }

    private void rebuildView() {
        moved.clear();
        List<Row<R>> rows = new ArrayList<>();
        for (Row<R> row : index.values()) {
            prepare.accept(row);
            row.placed = row.value();
            row.inView = filter.test(row);
            if (row.inView) rows.add(row);
        }
        // index iterates in arrival order already; only a column sort needs sorting
        if (order != null) rows.sort(this::compareRows);
        view.replaceAll(rows);
    }

    private int locate(Row<R> row) {
        int at = view.search(row, this::compareRows);
        return at >= 0 ? at : view.indexOf(row); // only if a comparator is inconsistent; never expected
    }

    private void place(Row<R> row) {
        row.placed = row.value();
        int at = view.search(row, this::compareRows);
        view.insert(at < 0 ? -(at + 1) : at, row);
        row.inView = true;
    }

    /** Is the row, with its new value, still between its neighbours (as placed) at this index? */
    private boolean fits(int at, Row<R> row) {
        if (at > 0 && compare(view.get(at - 1), view.get(at - 1).placed, row, row.value()) > 0) return false;
        return at >= view.size() - 1 || compare(row, row.value(), view.get(at + 1), view.get(at + 1).placed) <= 0;
    }

    /** The view's order: by each row's placed value, then arrival. */
    private int compareRows(Row<R> a, Row<R> b) {
        return compare(a, a.placed, b, b.placed);
    }

    private int compare(Row<R> a, R va, Row<R> b, R vb) {
        if (order != null) {
            int c = order.compare(va, vb);
            if (c != 0) return c;
        }
        return Long.compare(a.seq(), b.seq());
    }

    private void countIn(R v) {
        if (groupOf != null) groupCounts.merge(Objects.requireNonNullElse(groupOf.apply(v), "none"), 1, Integer::sum);
    }

    private void countOut(R v) {
        if (groupOf != null) groupCounts.merge(Objects.requireNonNullElse(groupOf.apply(v), "none"), -1, Integer::sum);
    }
}
