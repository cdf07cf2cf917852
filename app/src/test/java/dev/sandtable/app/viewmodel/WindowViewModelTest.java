package dev.sandtable.app.viewmodel;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The window's behaviour without a screen: operations run on the calling thread, the pump is drained by hand. */
class WindowViewModelTest {
    record Note(String title, String message, boolean error) {
    }

    private final List<Note> notes = new ArrayList<>();
    private final Notifier notifier = new Notifier() {
        @Override
        public void error(String title, String message) {
            notes.add(new Note(title, message, true));
        }

        @Override
        public void info(String title, String message) {
            notes.add(new Note(title, message, false));
        }
    };
    private final SyntheticBackend backend = new SyntheticBackend();
    private WindowViewModel vm;

    private WindowViewModel open(dev.sandtable.spi.Backend b) {
        vm = new WindowViewModel(List.of(b), notifier, Runnable::run, Runnable::run, Clock.systemUTC());
        vm.inventory().drainAll();
        return vm;
    }

    @AfterEach
    void close() {
        if (vm != null) vm.close();
    }

    private Row<Sandbox> sandbox(String name) {
        return vm.inventory().sandboxes().findByName(name);
    }

    private List<String> shown() {
        return vm.inventory().sandboxes().rows().stream().map(r -> r.value().name()).toList();
    }

    @Test
    void textFilterMatchesNameStateAndSourceAndKeepsUpdatingInPlace() {
        open(backend);
        for (String n : List.of("web-1", "web-2", "db")) backend.create(CreateSandboxRequest.fromTemplate(n, null)).join();
        vm.inventory().drainAll();
        vm.sandboxFilter().textProperty().set("web");
        assertThat(shown()).containsExactly("web-1", "web-2");
        vm.sandboxFilter().textProperty().set("web paused");
        assertThat(shown()).isEmpty();
        backend.pause("web-2").join();
        vm.inventory().drainAll();
        assertThat(shown()).containsExactly("web-2");
        backend.resume("web-2").join();
        vm.inventory().drainAll();
        assertThat(shown()).isEmpty();
        vm.sandboxFilter().textProperty().set("");
        assertThat(shown()).containsExactly("web-1", "web-2", "db");
    }

    @Test
    void stateFilterShowsOnlyCheckedStatesAndFollowsChanges() {
        open(backend);
        for (String n : List.of("a", "b", "c")) backend.create(CreateSandboxRequest.fromTemplate(n, null)).join();
        backend.pause("b").join();
        vm.inventory().drainAll();
        vm.sandboxFilter().states().add(SandboxState.PAUSED);
        assertThat(shown()).containsExactly("b");
        backend.pause("c").join();
        vm.inventory().drainAll();
        assertThat(shown()).containsExactly("b", "c");
        vm.sandboxFilter().states().add(SandboxState.RUNNING);
        assertThat(shown()).containsExactly("a", "b", "c");
        assertThat(vm.inventory().sandboxes().size()).isEqualTo(3);
    }

    @Test
    void actionsFollowTheSelectedSandboxState() {
        open(backend);
        backend.create(CreateSandboxRequest.fromTemplate("web-1", null)).join();
        vm.inventory().drainAll();
        assertThat(vm.availability(SandtableAction.PAUSE).reason()).isEqualTo("Select a sandbox first");
        vm.select(sandbox("web-1"));
        assertThat(vm.availability(SandtableAction.PAUSE).enabled()).isTrue();
        assertThat(vm.availability(SandtableAction.RESUME).reason()).isEqualTo("web-1 is running; only paused sandboxes can be resumed");
        vm.pause(sandbox("web-1")).join();
        vm.inventory().drainAll();
        assertThat(vm.availability(SandtableAction.PAUSE).enabled()).isFalse();
        assertThat(vm.availability(SandtableAction.RESUME).enabled()).isTrue();
        assertThat(vm.availability(SandtableAction.RELEASE_PUT).reason()).isEqualTo("web-1 was not claimed from a pool");
    }

    @Test
    void aMissingCapabilityDisablesTheActionWithTheBackendsReason() {
        ScriptedBackend b = new ScriptedBackend(Capabilities.all().without(Operation.PAUSE, "Scripted sandboxes cannot pause")
                .without(Operation.POOL_CREATE, "No pools here"));
        open(b);
        b.emit(new BackendEvent.Synced(new Inventory(List.of(LiveInventoryTest.sbx("1", "a", SandboxState.RUNNING)), List.of(), List.of(), List.of())));
        vm.inventory().drainAll();
        vm.select(sandbox("a"));
        assertThat(vm.availability(SandtableAction.PAUSE)).isEqualTo(Availability.no("Scripted sandboxes cannot pause"));
        assertThat(vm.availability(SandtableAction.CREATE_POOL)).isEqualTo(Availability.no("No pools here"));
        assertThat(vm.availability(SandtableAction.DESTROY).enabled()).isTrue();
        assertThat(vm.availability(SandtableAction.STOP)).as("stop is opt-in").isEqualTo(Availability.no(Capabilities.NO_STOPPED_STATE));
        assertThat(vm.applicable(SandtableAction.STOP)).as("left out of the details pane").isFalse();
        assertThat(vm.applicable(SandtableAction.PAUSE)).isFalse();
        assertThat(vm.applicable(SandtableAction.DESTROY)).isTrue();
        b.emit(new BackendEvent.Connection(ConnectionState.DISCONNECTED, "gone"));
        vm.inventory().drainAll();
        assertThat(vm.applicable(SandtableAction.STOP)).as("a disconnected backend's capabilities are not final").isTrue();
        assertThat(vm.availability(SandtableAction.DESTROY).reason()).isEqualTo("Scripted is disconnected");
    }

    @Test
    void aFailedOperationNotifiesWithTheBackendsMessageAndLandsOnTheTimeline() {
        ScriptedBackend b = new ScriptedBackend(Capabilities.all());
        open(b);
        b.emit(new BackendEvent.Synced(new Inventory(List.of(LiveInventoryTest.sbx("1", "a", SandboxState.RUNNING)), List.of(), List.of(), List.of())));
        vm.inventory().drainAll();
        b.failure = "cgroup freezer is busy; try again";

        assertThatThrownBy(() -> vm.pause(sandbox("a")).join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SandtableException.class);

        assertThat(notes).containsExactly(new Note("Pause a failed", "cgroup freezer is busy; try again", true));
        assertThat(vm.inventory().activity().entries()).anyMatch(e -> e.error() && "cgroup freezer is busy; try again".equals(e.detail()));
        assertThat(vm.inventory().activity().of(sandbox("a").id())).hasSize(1);
        assertThat(vm.runner().running()).isEmpty();
    }

    @Test
    void anOperationInFlightDisablesTheRowsActionsWithItsProgressText() {
        open(backend);
        backend.create(CreateSandboxRequest.fromTemplate("web-1", null)).join();
        vm.inventory().drainAll();
        List<Runnable> parked = new ArrayList<>();
        WindowViewModel slow = new WindowViewModel(List.of(backend), notifier, Runnable::run, parked::add, Clock.systemUTC());
        try {
            slow.inventory().drainAll();
            Row<Sandbox> row = slow.inventory().sandboxes().findByName("web-1");
            slow.select(row);
            var done = slow.pause(row);
            assertThat(slow.runner().running()).extracting(OperationRunner.Running::description).containsExactly("Pausing web-1…");
            assertThat(slow.availability(SandtableAction.SNAPSHOT).reason()).isEqualTo("Pausing web-1…");
            parked.forEach(Runnable::run);
            done.join();
            assertThat(slow.runner().running()).isEmpty();
        } finally {
            slow.close();
        }
    }

    @Test
    void restoreIntoTwoSandboxesNamesThemAfterTheBase() {
        open(backend);
        backend.create(CreateSandboxRequest.fromTemplate("web-1", null)).join();
        backend.snapshot("web-1", "base").join();
        vm.inventory().drainAll();
        List<Sandbox> made = vm.restore(vm.inventory().snapshots().findByName("base"), "copy", 2).join();
        vm.inventory().drainAll();
        assertThat(made).extracting(Sandbox::name).containsExactly("copy-1", "copy-2");
        assertThat(shown()).containsExactly("web-1", "copy-1", "copy-2");
        assertThat(WindowViewModel.restoreNames("one", 1)).containsExactly("one");
        assertThat(WindowViewModel.restoreNames(" ", 2)).containsExactly(null, null);
    }

    @Test
    void claimThenReleaseGoesThroughTheClaimBook() {
        open(backend);
        backend.createPool(new PoolSpec("agents", null, 1, 2)).join();
        vm.inventory().drainAll();
        var pool = vm.inventory().pools().findByName("agents");
        var claim = vm.claim(pool).join();
        vm.inventory().drainAll();
        Row<Sandbox> member = vm.inventory().sandboxes().find(backend.info().id(), claim.sandbox().id());
        vm.select(member);
        assertThat(vm.availability(SandtableAction.RELEASE_PUT).enabled()).isTrue();
        vm.release(member, ReleaseMode.PUT).join();
        vm.inventory().drainAll();
        assertThat(vm.claims().claims()).isEmpty();
        assertThat(vm.inventory().pools().findByName("agents").value().inUse()).isZero();
        assertThat(vm.availability(SandtableAction.RELEASE_PUT).enabled()).isFalse();
    }

    @Test
    void selectionFollowsCreatedRowsAndIsDroppedWhenTheRowGoes() {
        open(backend);
        vm.createSandbox(vm.targetBackend(), "web-1", null, null).join();
        vm.inventory().drainAll();
        assertThat(vm.selectedSandboxProperty().get()).isSameAs(sandbox("web-1"));
        backend.destroy("web-1").join();
        vm.inventory().drainAll();
        assertThat(vm.selectedSandboxProperty().get()).isNull();
    }

    @Test
    void thePaletteFindsActionsAndResourcesFuzzily() {
        open(backend);
        for (String n : List.of("web-frontend", "worker", "db")) backend.create(CreateSandboxRequest.fromTemplate(n, null)).join();
        vm.inventory().drainAll();
        List<PaletteEntry> hits = vm.search("wfe", 10);
        assertThat(hits.getFirst().label()).isEqualTo("web-frontend");
        assertThat(hits.getFirst().kind()).isEqualTo(ResourceKind.SANDBOX);
        assertThat(vm.search("pause", 5).getFirst().action()).isEqualTo(SandtableAction.PAUSE);
        assertThat(vm.search("", 100)).hasSize(SandtableAction.values().length).allMatch(PaletteEntry::isAction);
        assertThat(vm.search("zzzz", 10)).isEmpty();
    }

    @Test
    void everyShortcutIsDistinct() {
        assertThat(java.util.Arrays.stream(SandtableAction.values()).map(SandtableAction::shortcut).distinct().count())
                .isEqualTo(SandtableAction.values().length);
    }
}
