package dev.sandtable.app.viewmodel;

import javafx.collections.ObservableListBase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The rows a table shows, in order. Read-only to the outside; {@link LiveTable} edits it, and every edit made
 * between {@link #begin()} and {@link #end()} reaches listeners as one aggregated change (one per pulse).
 */
public final class RowList<E> extends ObservableListBase<E> {
    private ArrayList<E> items = new ArrayList<>();

    @Override
    public E get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }

    void begin() {
        beginChange();
    }

    void end() {
        endChange();
    }

    void insert(int index, E e) {
        beginChange();
        items.add(index, e);
        nextAdd(index, index + 1);
        endChange();
    }

    E removeAt(int index) {
        beginChange();
        E e = items.remove(index);
        nextRemove(index, e);
        endChange();
        return e;
    }

    void replaceAll(Collection<? extends E> newItems) {
        beginChange();
        List<E> old = items;
        items = new ArrayList<>(newItems);
        if (!old.isEmpty()) nextRemove(0, old);
        if (!items.isEmpty()) nextAdd(0, items.size());
        endChange();
    }

    /** Sorts in place and reports a permutation, which keeps a TableView's selection. */
    void sortWith(Comparator<? super E> order) {
        @SuppressWarnings("unchecked")
        E[] arr = (E[]) items.toArray();
        Arrays.sort(arr, order);
        permuteTo(Arrays.asList(arr));
    }

    /**
     * Replaces the items with the same items in a new order, reported as one permutation. Needs each item's
     * current index in {@link #slotOf} (set by {@link #numberSlots()}).
     */
    void permuteTo(List<E> newOrder) {
        int n = items.size();
        numberSlots();
        int[] perm = new int[n];
        boolean moved = false;
        for (int newPos = 0; newPos < n; newPos++) {
            int oldPos = slotOf(newOrder.get(newPos));
            perm[oldPos] = newPos;
            moved |= oldPos != newPos;
        }
        if (!moved) return;
        beginChange();
        items = new ArrayList<>(newOrder);
        nextPermutation(0, n, perm);
        endChange();
    }

    /**
     * Replaces the items with the same items in a new order, reported as one permutation: {@code perm[old] = new}.
     * The caller knows both, so nothing is looked up per row.
     */
    void permute(Object[] newOrder, int[] perm) {
        @SuppressWarnings("unchecked")
        List<E> order = (List<E>) Arrays.asList(newOrder);
        beginChange();
        items = new ArrayList<>(order);
        nextPermutation(0, perm.length, perm);
        endChange();
    }

    /** The items as an array (one copy). */
    Object[] toArrayCopy() {
        return items.toArray();
    }

    private void numberSlots() {
        for (int i = 0; i < items.size(); i++) ((Row<?>) items.get(i)).slot = i;
    }

    private static int slotOf(Object e) {
        return ((Row<?>) e).slot;
    }

    /** Binary search with a total order; same contract as {@link java.util.Collections#binarySearch}. */
    int search(E key, Comparator<? super E> order) {
        int lo = 0, hi = items.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = order.compare(items.get(mid), key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }
}
