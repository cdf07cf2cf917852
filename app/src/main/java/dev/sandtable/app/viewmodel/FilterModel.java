package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Resource;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableSet;
import javafx.collections.SetChangeListener;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The filter bar of one table: free text (matched against every field a user would type) and a set of states
 * (empty means all). Any change re-filters the table at once.
 */
public final class FilterModel<R extends Resource, S> {
    private final StringProperty text = new SimpleStringProperty("");
    private final ObservableSet<S> states = FXCollections.observableSet();
    private final Function<R, S> stateOf;
    private final Function<R, String> searchable;

    public FilterModel(LiveTable<R> table, Function<R, S> stateOf, Function<R, String> searchable) {
        this.stateOf = stateOf;
        this.searchable = searchable;
        table.setRowPreparer(row -> row.searchText(searchable));
        text.addListener((o, a, b) -> table.setRowFilter(rowPredicate()));
        states.addListener((SetChangeListener<S>) c -> table.setRowFilter(rowPredicate()));
    }

    public StringProperty textProperty() {
        return text;
    }

    /** States to show; empty shows every state. */
    public ObservableSet<S> states() {
        return states;
    }

    /** Like {@link #predicate()}, but matches text against each row's cached search text. */
    Predicate<Row<R>> rowPredicate() {
        String q = text.get() == null ? "" : text.get().trim().toLowerCase(Locale.ROOT);
        Set<S> wanted = Set.copyOf(states);
        if (q.isEmpty() && wanted.isEmpty()) return null;
        String[] words = q.isEmpty() ? new String[0] : q.split("\\s+");
        return row -> {
            if (!wanted.isEmpty() && (stateOf == null || !wanted.contains(stateOf.apply(row.value())))) return false;
            if (words.length == 0) return true;
            String hay = row.searchText(searchable);
            for (String w : words) if (!hay.contains(w)) return false;
            return true;
        };
    }

    public Predicate<R> predicate() {
        String q = text.get() == null ? "" : text.get().trim().toLowerCase(Locale.ROOT);
        Set<S> wanted = Set.copyOf(states);
        if (q.isEmpty() && wanted.isEmpty()) return r -> true;
        String[] words = q.isEmpty() ? new String[0] : q.split("\\s+");
        return r -> {
            if (!wanted.isEmpty() && (stateOf == null || !wanted.contains(stateOf.apply(r)))) return false;
            if (words.length == 0) return true;
            String hay = searchable.apply(r).toLowerCase(Locale.ROOT);
            for (String w : words) if (!hay.contains(w)) return false;
            return true;
        };
    }
}
