package dev.sandtable.local;

import dev.sandtable.model.Pool;
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
            assertThat(synced.recentHistory()).extracting(e -> e.resourceName() + " " + e.action())
                    .startsWith("ev creating").contains("ev-snap created", "ev destroyed").endsWith("after started");
            assertThat(rec.lines()).hasSize(expected.size());
            rt.close();
            waitUntil("the late watcher hears the close", () -> late.lines().getLast().equals("connection DISCONNECTED"));
        }
    }

    @Test
    void poolsAndTheirMembersReportEveryStep() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            RecordingListener rec = new RecordingListener();
            rt.watch(rec);
            await(rt.createPool(new dev.sandtable.spi.PoolSpec("p", null, 1, 1)));
            waitUntil("one idle member", () -> rt.inventory().pools().getFirst().idle() == 1);
            var claim = await(rt.claim("p"));
            String member = claim.sandbox().name();
            await(rt.release(claim.id(), dev.sandtable.spi.ReleaseMode.DEAD));
            await(rt.deletePool("p"));
            waitUntil("the pool removal arrived", () -> rec.lines().contains("removed pool"));
            assertThat(rec.lines()).containsSubsequence(
                    "synced 0 sandboxes", "upsert pool p", "lifecycle pool p created",
                    "lifecycle sandbox " + member + " creating null->STARTING",
                    "lifecycle sandbox " + member + " started STARTING->RUNNING",
                    "lifecycle sandbox " + member + " paused PAUSING->PAUSED",
                    "lifecycle sandbox " + member + " resumed RESUMING->RUNNING",
                    "lifecycle sandbox " + member + " claimed RUNNING->RUNNING",
                    "lifecycle sandbox " + member + " released RUNNING->RUNNING",
                    "removed sandbox",
                    "lifecycle sandbox " + member + " destroyed STOPPING->TERMINATED",
                    "removed pool", "lifecycle pool p deleted");
            Pool last = rec.events().stream().filter(e -> e instanceof BackendEvent.Upserted u && u.resource() instanceof Pool)
                    .map(e -> (Pool) ((BackendEvent.Upserted) e).resource()).reduce((a, b) -> b).orElseThrow();
            assertThat(last.stats().markedDead()).isEqualTo(1);
        }
    }
}
