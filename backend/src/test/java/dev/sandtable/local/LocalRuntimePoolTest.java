package dev.sandtable.local;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.failure;
import static dev.sandtable.local.LocalTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRuntimePoolTest {
    @TempDir
    Path tmp;

    private static Pool pool(LocalRuntime rt, String name) {
        return rt.inventory().pools().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static Sandbox sandbox(LocalRuntime rt, String id) {
        return rt.inventory().sandboxes().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    private static List<Sandbox> members(LocalRuntime rt, String pool) {
        return rt.inventory().sandboxes().stream().filter(s -> pool.equals(s.poolName())).toList();
    }

    @Test
    void aPoolKeepsPausedMembersAndServesClaimsWarmThenCold() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            Pool created = await(rt.createPool(new PoolSpec("web", null, 2, 3)));
            assertThat(created.templateId()).isEqualTo("host-shell");
            waitUntil("two idle members", () -> pool(rt, "web").idle() == 2);
            assertThat(members(rt, "web")).hasSize(2).allSatisfy(s -> {
                assertThat(s.state()).isEqualTo(SandboxState.PAUSED);
                assertThat(s.sourceKind()).isEqualTo(SourceKind.POOL);
                assertThat(s.name()).startsWith("web-");
            });

            Claim warm = await(rt.claim("web"));
            assertThat(warm.warm()).isTrue();
            assertThat(warm.sandbox().state()).isEqualTo(SandboxState.RUNNING);
            assertThat(warm.sandbox().poolName()).isEqualTo("web");
            assertThat(warm.latency()).isPositive();

            Claim second = await(rt.claim("web"));
            Claim third = await(rt.claim("web"));
            assertThat(List.of(warm, second, third)).extracting(c -> c.sandbox().id()).doesNotHaveDuplicates();
            SandtableException full = failure(rt.claim("web"));
            assertThat(full.code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(full.getMessage()).contains("maximum size").contains("3");

            Pool p = pool(rt, "web");
            assertThat(p.inUse()).isEqualTo(3);
            assertThat(p.stats().hits() + p.stats().misses()).isEqualTo(3);
            assertThat(p.stats().hits()).isGreaterThanOrEqualTo(1);
            assertThat(p.stats().claimLatency().count()).isEqualTo(3);

            await(rt.release(warm.id(), ReleaseMode.PUT));
            assertThat(sandbox(rt, warm.sandbox().id()).state()).isEqualTo(SandboxState.PAUSED);
            await(rt.release(second.id(), ReleaseMode.DEAD));
            assertThat(sandbox(rt, second.sandbox().id())).isNull();
            assertThat(failure(rt.release(second.id(), ReleaseMode.PUT)).code()).isEqualTo(ErrorCode.NOT_FOUND);

            Claim again = await(rt.claim("web"));
            assertThat(again.warm()).isTrue();
            assertThat(again.sandbox().id()).isEqualTo(warm.sandbox().id());
            p = pool(rt, "web");
            assertThat(p.stats().releases()).isEqualTo(1);
            assertThat(p.stats().markedDead()).isEqualTo(1);
        }
    }

    @Test
    void deadIdleMembersAreSkippedAndDestroyed() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            await(rt.createPool(new PoolSpec("fragile", null, 2, 4)));
            waitUntil("two idle members", () -> pool(rt, "fragile").idle() == 2);
            String victim = rt.poolMembers("fragile").idle().getFirst();
            Posix.kill(rt.processInfo(victim).mainPid(), Posix.SIGKILL);
            waitUntil("the victim is failed", () -> sandbox(rt, victim).state() == SandboxState.FAILED);

            Claim c = await(rt.claim("fragile"));
            assertThat(c.sandbox().id()).isNotEqualTo(victim);
            assertThat(c.sandbox().state()).isEqualTo(SandboxState.RUNNING);
            assertThat(pool(rt, "fragile").stats().deadSkipped()).isEqualTo(1);
            assertThat(sandbox(rt, victim)).isNull();
        }
    }

    @Test
    void resizingBelowTheClaimedCountFailsAndDeletingVoidsClaims() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            await(rt.createPool(new PoolSpec("tight", null, 1, 3)));
            Claim a = await(rt.claim("tight"));
            await(rt.claim("tight"));
            SandtableException e = failure(rt.resizePool("tight", 0, 1));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(e.getMessage()).contains("2 are in use");
            assertThat(failure(rt.resizePool("tight", 3, 2)).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            Pool resized = await(rt.resizePool("tight", 0, 2));
            assertThat(resized.maxSize()).isEqualTo(2);
            waitUntil("no idle member above the new maximum", () -> pool(rt, "tight").size() <= 2);
            // the evicted member is destroyed in the background: let it finish before the delete is checked
            waitUntil("the evicted member is gone", () -> members(rt, "tight").size() <= 2);
            assertThat(failure(rt.createPool(new PoolSpec("tight", null, 0, 1))).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
            assertThat(failure(rt.createPool(new PoolSpec("other", "nope", 0, 1))).getMessage()).contains("available templates");

            await(rt.deletePool("tight"));
            assertThat(rt.inventory().pools()).isEmpty();
            assertThat(members(rt, "tight")).isEmpty();
            SandtableException voided = failure(rt.release(a.id(), ReleaseMode.PUT));
            assertThat(voided.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(voided.getMessage()).contains("was deleted");
            assertThat(failure(rt.claim("tight")).code()).isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void aTemplateUsedByAPoolIsNotDeletedAndPoolMembersCarryItsFiles() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
            LocalTesting.write(rt.workspace("src").resolve("app.txt"), "app");
            await(rt.snapshot("src", "app-snap"));
            await(rt.createTemplate("app-snap", "app"));
            await(rt.createPool(new PoolSpec("apps", "app", 0, 2)));
            Claim c = await(rt.claim("apps"));
            assertThat(c.warm()).isFalse();
            assertThat(rt.workspace(c.sandbox().id()).resolve("app.txt")).hasContent("app");
            assertThat(failure(rt.deleteTemplate("app")).getMessage()).contains("used by pool 'apps'");
        }
    }

    @Test
    void concurrentClaimsNeverShareASandboxAndNothingLeaks() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.FAST)) {
            await(rt.createPool(new PoolSpec("busy", null, 2, 5)));
            Map<String, String> holders = new ConcurrentHashMap<>();
            Set<String> deadIds = ConcurrentHashMap.newKeySet();
            Set<String> everHanded = ConcurrentHashMap.newKeySet();
            AtomicInteger claimsOk = new AtomicInteger();
            AtomicInteger atMax = new AtomicInteger();
            List<String> violations = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 12; i++) {
                        Claim c;
                        try {
                            c = await(rt.claim("busy"));
                        } catch (SandtableException e) {
                            if (e.code() != ErrorCode.INVALID_STATE) throw e;
                            atMax.incrementAndGet();
                            continue;
                        }
                        claimsOk.incrementAndGet();
                        String id = c.sandbox().id();
                        everHanded.add(id);
                        String other = holders.putIfAbsent(id, Thread.currentThread().getName());
                        synchronized (violations) {
                            if (other != null) violations.add(id + " handed to two holders");
                            if (deadIds.contains(id)) violations.add(id + " re-entered the pool after DEAD");
                            if (c.sandbox().state() != SandboxState.RUNNING) violations.add(id + " claimed while " + c.sandbox().state());
                        }
                        Thread.onSpinWait();
                        holders.remove(id);
                        boolean dead = ThreadLocalRandom.current().nextInt(5) == 0;
                        if (dead) deadIds.add(id);
                        await(rt.release(c.id(), dead ? ReleaseMode.DEAD : ReleaseMode.PUT));
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) w.get();
            pool.shutdown();
            assertThat(violations).isEmpty();

            waitUntil("the pool is settled", () -> {
                Pool p = pool(rt, "busy");
                return p.inUse() == 0 && p.starting() == 0 && p.idle() >= 2;
            });
            Pool p = pool(rt, "busy");
            assertThat(p.stats().hits() + p.stats().misses()).isEqualTo(claimsOk.get());
            assertThat(p.stats().releases() + p.stats().markedDead()).isEqualTo(claimsOk.get());
            assertThat(p.stats().markedDead()).isEqualTo(deadIds.size());
            assertThat(p.size()).isLessThanOrEqualTo(5);

            List<Sandbox> listed = members(rt, "busy");
            Set<String> idle = new HashSet<>(rt.poolMembers("busy").idle());
            assertThat(listed).extracting(Sandbox::id).containsExactlyInAnyOrderElementsOf(idle);
            assertThat(listed).allSatisfy(s -> assertThat(s.state()).isEqualTo(SandboxState.PAUSED));
            assertThat(idle).doesNotContainAnyElementsOf(deadIds);
            // every sandbox ever handed out is now idle or destroyed: none leaked
            for (String id : everHanded) assertThat(idle.contains(id) || sandbox(rt, id) == null).as(id).isTrue();
            assertThat(rt.inventory().sandboxes()).hasSize(idle.size());
            System.out.println("concurrent claims: " + claimsOk.get() + " ok, " + atMax.get() + " refused at max size, "
                    + deadIds.size() + " released dead; stats " + p.stats());
        }
    }
}
