package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.synthetic.SyntheticBackend;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class LiveInventoryTest {
    private final SyntheticBackend backend = new SyntheticBackend();
    private final LiveInventory inv = new LiveInventory();

    @AfterEach
    void close() {
        inv.close();
        backend.close();
    }

    private List<String> names() {
        return inv.sandboxes().rows().stream().map(r -> r.value().name()).toList();
    }

    @Test
    void nothingIsAppliedUntilDrained() {
        inv.connect(backend);
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("web-1", null)).join();
        assertThat(inv.sandboxes().size()).isZero();
        assertThat(inv.drainAll()).isEqualTo(3); // synced, upserted, lifecycle
        assertThat(names()).containsExactly("web-1");
    }

    @Test
    void aWindowOpenedLaterShowsTheBackendsRecentHistoryOnceEvenAfterAResync() {
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("web-1", null)).join();
        backend.pause("web-1").join();
        inv.connect(backend);
        inv.drainAll();
        assertThat(inv.activity().entries()).extracting(ActivityEntry::action).containsExactly("created", "paused");

        backend.populate(0); // a fresh Synced that replays the same history
        inv.drainAll();
        assertThat(inv.activity().entries()).extracting(ActivityEntry::action).containsExactly("created", "paused");
    }

    @Test
    void anUpdateReplacesTheValueInPlaceAndKeepsRowIdentityAndOrder() {
        inv.connect(backend);
        for (String n : List.of("a", "b", "c")) backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate(n, null)).join();
        inv.drainAll();
        Row<Sandbox> b = inv.sandboxes().findByName("b");
        List<ListChangeListener.Change<?>> changes = new ArrayList<>();
        inv.sandboxes().rows().addListener((ListChangeListener<Row<Sandbox>>) changes::add);

        backend.pause("b").join();
        inv.drainAll();

        assertThat(inv.sandboxes().findByName("b")).isSameAs(b);
        assertThat(b.value().state()).isEqualTo(SandboxState.PAUSED);
        assertThat(names()).containsExactly("a", "b", "c");
        assertThat(changes).as("an unsorted in-place update fires no list change").isEmpty();
        assertThat(inv.sandboxes().count(SandboxState.PAUSED)).isEqualTo(1);
        assertThat(inv.sandboxes().count(SandboxState.RUNNING)).isEqualTo(2);
    }

    @Test
    void aSortedTableMovesOnlyTheChangedRowAndFindsItAgain() {
        inv.connect(backend);
        for (String n : List.of("c", "a", "b")) backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate(n, null)).join();
        inv.drainAll();
        inv.sandboxes().sort(Comparator.comparing((Sandbox s) -> s.state().ordinal()).thenComparing(Sandbox::name));
        assertThat(names()).containsExactly("a", "b", "c");
        Row<Sandbox> a = inv.sandboxes().findByName("a");

        backend.pause("a").join(); // PAUSED sorts after RUNNING
        inv.drainAll();

        assertThat(names()).containsExactly("b", "c", "a");
        assertThat(inv.sandboxes().rows().get(2)).isSameAs(a);
        for (Row<Sandbox> r : inv.sandboxes().rows()) assertThat(inv.sandboxes().rows().get(inv.sandboxes().indexOf(r))).isSameAs(r);
    }

    @Test
    void withAReorderIntervalMovedRowsUpdateInPlaceUntilTheMovesAreApplied() {
        inv.connect(backend);
        for (String n : List.of("a", "b", "c")) backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate(n, null)).join();
        inv.drainAll();
        inv.setReorderInterval(java.time.Duration.ofHours(1));
        inv.sandboxes().sort(Comparator.comparing((Sandbox s) -> s.state().ordinal()).thenComparing(Sandbox::name));
        List<Boolean> permutations = new ArrayList<>();
        inv.sandboxes().rows().addListener((ListChangeListener<Row<Sandbox>>) c -> {
            while (c.next()) permutations.add(c.wasPermutated());
        });
        backend.pause("a").join();
        inv.drain(100);
        assertThat(names()).as("still in place, showing its new state").containsExactly("a", "b", "c");
        assertThat(inv.sandboxes().findByName("a").value().state()).isEqualTo(SandboxState.PAUSED);
        assertThat(inv.sandboxes().pendingMoves()).isEqualTo(1);
        assertThat(inv.sandboxes().indexOf(inv.sandboxes().findByName("a"))).isZero();
        inv.drainAll();
        assertThat(names()).containsExactly("b", "c", "a");
        assertThat(permutations).containsExactly(true);
    }

    @Test
    void aMovePassOverManyRowsKeepsTheOrderAndReportsAPermutationThatReproducesIt() {
        inv.connect(backend);
        backend.populate(2_000);
        inv.drainAll();
        inv.setReorderInterval(java.time.Duration.ofHours(1));
        Comparator<Sandbox> byState = Comparator.comparing(Sandbox::state);
        inv.sandboxes().sort(byState);
        List<Row<Sandbox>> mirror = new ArrayList<>(inv.sandboxes().rows());
        inv.sandboxes().rows().addListener((ListChangeListener<Row<Sandbox>>) c -> {
            while (c.next()) {
                assertThat(c.wasPermutated()).isTrue();
                List<Row<Sandbox>> next = new ArrayList<>(mirror);
                for (int i = c.getFrom(); i < c.getTo(); i++) next.set(c.getPermutation(i), mirror.get(i));
                mirror.clear();
                mirror.addAll(next);
            }
        });
        for (int round = 0; round < 5; round++) {
            backend.churn(300);
            inv.drain(Integer.MAX_VALUE);
            assertThat(inv.sandboxes().pendingMoves()).isPositive();
            inv.drainAll();
            List<Row<Sandbox>> rows = new ArrayList<>(inv.sandboxes().rows());
            assertThat(mirror).as("the permutation reproduces the new order").isEqualTo(rows);
            assertThat(rows).extracting(r -> r.value().state()).isSortedAccordingTo(Comparator.naturalOrder());
            assertThat(rows).hasSize(2_000).doesNotHaveDuplicates();
            for (int i = 0; i < rows.size(); i += 97) assertThat(inv.sandboxes().indexOf(rows.get(i))).isEqualTo(i);
        }
    }

    @Test
    void sortingIsReportedAsOnePermutation() {
        inv.connect(backend);
        for (String n : List.of("c", "a", "b")) backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate(n, null)).join();
        inv.drainAll();
        List<Boolean> permutations = new ArrayList<>();
        inv.sandboxes().rows().addListener((ListChangeListener<Row<Sandbox>>) c -> {
            while (c.next()) permutations.add(c.wasPermutated());
        });
        inv.sandboxes().sort(Comparator.comparing(Sandbox::name));
        assertThat(permutations).containsExactly(true);
        inv.sandboxes().sort(null);
        assertThat(names()).containsExactly("c", "a", "b");
    }

    @Test
    void removalsDropTheRowAndItsCount() {
        inv.connect(backend);
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("a", null)).join();
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("b", null)).join();
        inv.drainAll();
        backend.destroy("a").join();
        inv.drainAll();
        assertThat(names()).containsExactly("b");
        assertThat(inv.sandboxes().findByName("a")).isNull();
        assertThat(inv.sandboxes().count(SandboxState.RUNNING)).isEqualTo(1);
        assertThat(inv.activity().entries()).extracting(ActivityEntry::action).contains("destroyed");
    }

    @Test
    void manyEventsInOneDrainReachListenersAsOneChange() {
        inv.connect(backend);
        inv.drainAll();
        int[] changes = {0};
        inv.sandboxes().rows().addListener((ListChangeListener<Row<Sandbox>>) c -> changes[0]++);
        for (int i = 0; i < 20; i++) backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("s" + i, null)).join();
        inv.drainAll();
        assertThat(changes[0]).isEqualTo(1);
        assertThat(inv.sandboxes().rows()).hasSize(20);
    }

    @Test
    void syncedAfterReconnectReplacesEverythingButKeepsRowsThatStillExist() {
        ScriptedBackend fake = new ScriptedBackend(dev.sandtable.spi.Capabilities.all());
        BackendViewModel vm = inv.connect(fake);
        Consumer<BackendEvent> emit = fake::emit;
        emit.accept(new BackendEvent.Synced(inventory(sbx("1", "a", SandboxState.RUNNING), sbx("2", "b", SandboxState.RUNNING))));
        inv.drainAll();
        Row<Sandbox> b = inv.sandboxes().find(vm.id(), "2");

        emit.accept(new BackendEvent.Connection(ConnectionState.RECONNECTING, "socket closed"));
        inv.drainAll();
        assertThat(vm.state()).isEqualTo(ConnectionState.RECONNECTING);
        assertThat(vm.messageProperty().get()).isEqualTo("socket closed");

        emit.accept(new BackendEvent.Synced(inventory(sbx("2", "b", SandboxState.PAUSED), sbx("3", "c", SandboxState.RUNNING))));
        emit.accept(new BackendEvent.Connection(ConnectionState.CONNECTED, null));
        inv.drainAll();

        assertThat(names()).containsExactly("b", "c");
        assertThat(inv.sandboxes().find(vm.id(), "2")).isSameAs(b);
        assertThat(b.value().state()).isEqualTo(SandboxState.PAUSED);
        assertThat(inv.sandboxes().count(SandboxState.RUNNING)).isEqualTo(1);
        assertThat(inv.sandboxes().count(SandboxState.PAUSED)).isEqualTo(1);
        assertThat(vm.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void removedEventsAreRoutedByKind() {
        inv.connect(backend);
        backend.createPool(new dev.sandtable.spi.PoolSpec("p", null, 1, 3)).join();
        inv.drainAll();
        assertThat(inv.pools().size()).isEqualTo(1);
        backend.deletePool("p").join();
        inv.drainAll();
        assertThat(inv.pools().size()).isZero();
        assertThat(inv.table(ResourceKind.POOL)).isSameAs(inv.pools());
    }

    @Test
    void summaryCountsSandboxesStatesAndPools() {
        inv.connect(backend);
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("a", null)).join();
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("b", null)).join();
        backend.pause("a").join();
        backend.createPool(new dev.sandtable.spi.PoolSpec("p", null, 1, 3)).join();
        inv.drainAll();
        assertThat(inv.summary()).isEqualTo("2 sandboxes · 1 running · 1 paused · 1 pool · 0 snapshots");
    }

    @Test
    void theTimelineIsBounded() {
        inv.connect(backend);
        backend.create(dev.sandtable.spi.CreateSandboxRequest.fromTemplate("a", null)).join();
        for (int i = 0; i < ActivityLog.GLOBAL_LIMIT; i++) {
            backend.pause("a").join();
            backend.resume("a").join();
        }
        inv.drainAll();
        assertThat(inv.activity().entries()).hasSize(ActivityLog.GLOBAL_LIMIT);
        assertThat(inv.activity().entries().getLast().action()).isEqualTo("resumed");
        Row<Sandbox> a = inv.sandboxes().findByName("a");
        assertThat(inv.activity().of(a.id())).hasSize(ActivityLog.PER_RESOURCE_LIMIT);
    }

    static Inventory inventory(Sandbox... s) {
        return new Inventory(List.of(s), List.of(), List.of(), List.of());
    }

    static Sandbox sbx(String id, String name, SandboxState state) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Sandbox(id, name, "t", SourceKind.TEMPLATE, "t", state, null, null, t, t, null,
                new Isolation("bubblewrap", true, "ns"), null, Map.of());
    }
}
