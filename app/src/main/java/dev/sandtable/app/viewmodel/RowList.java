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
        int n = items.size();
        Integer[] byNewPos = new Integer[n];
        for (int i = 0; i < n; i++) byNewPos[i] = i;
        ArrayList<E> old = items;
        Arrays.sort(byNewPos, (a, b) -> order.compare(old.get(a), old.get(b)));
        int[] perm = new int[n];
        ArrayList<E> sorted = new ArrayList<>(n);
        boolean moved = false;
        for (int newPos = 0; newPos < n; newPos++) {
            int oldPos = byNewPos[newPos];
            perm[oldPos] = newPos;
            sorted.add(old.get(oldPos));
            moved |= oldPos != newPos;
        }
        if (!moved) return;
        beginChange();
        items = sorted;
        nextPermutation(0, n, perm);
        endChange();
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
