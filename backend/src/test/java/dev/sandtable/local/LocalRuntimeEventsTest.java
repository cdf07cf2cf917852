package dev.sandtable.local;

import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRuntimeEventsTest {
    @TempDir
    Path tmp;

    @Test
    void aWatcherSeesSyncedThenEveryChangeInOrderWithTransientStates() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            RecordingListener rec = new RecordingListener();
            Subscription sub = rt.watch(rec);
            Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate("ev", null)));
            await(rt.pause("ev"));
            await(rt.resume("ev"));
            await(rt.snapshot("ev", "ev-snap"));
            await(rt.destroy(s.id()));
            List<String> expected = List.of(
                    "synced 0 sandboxes",
                    "upsert sandbox ev STARTING", "lifecycle sandbox ev creating null->STARTING",
                    "upsert sandbox ev RUNNING", "lifecycle sandbox ev started STARTING->RUNNING",
                    "upsert sandbox ev PAUSING", "lifecycle sandbox ev pausing RUNNING->PAUSING",
                    "upsert sandbox ev PAUSED", "lifecycle sandbox ev paused PAUSING->PAUSED",
                    "upsert sandbox ev RESUMING", "lifecycle sandbox ev resuming PAUSED->RESUMING",
                    "upsert sandbox ev RUNNING", "lifecycle sandbox ev resumed RESUMING->RUNNING",
                    "upsert sandbox ev SNAPSHOTTING", "lifecycle sandbox ev snapshotting RUNNING->SNAPSHOTTING",
                    "upsert snapshot ev-snap", "lifecycle snapshot ev-snap created",
                    "upsert sandbox ev RUNNING", "lifecycle sandbox ev snapshotted SNAPSHOTTING->RUNNING",
                    "upsert sandbox ev STOPPING", "lifecycle sandbox ev stopping RUNNING->STOPPING",
                    "removed sandbox", "lifecycle sandbox ev destroyed STOPPING->TERMINATED");
            waitUntil("every event arrived", () -> rec.lines().size() >= expected.size());
            assertThat(rec.lines()).containsExactlyElementsOf(expected);
            BackendEvent.Removed removed = (BackendEvent.Removed) rec.events().get(21);
            assertThat(removed.key()).isEqualTo(s.id());

            sub.close();
            await(rt.create(CreateSandboxRequest.fromTemplate("after", null)));
            RecordingListener late = new RecordingListener();
            rt.watch(late);
            waitUntil("the late watcher is synced", () -> !late.events().isEmpty());
            BackendEvent.Synced synced = (BackendEvent.Synced) late.events().getFirst();
            assertThat(synced.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("after");
            assertThat(synced.inventory().snapshots()).hasSize(1);
            assertThat(synced.inventory().templates()).extracting(t -> t.name()).containsExactly("host-shell");
            assertThat(rec.lines()).hasSize(expected.size());
        }
    }
}
