package dev.sandtable.local;

import dev.sandtable.model.Isolation;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sandtable.local.LocalTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The pool's bookkeeping against in-memory members: capacity, over-capacity returns, dead members, deletion. */
class WarmPoolTest {

    /** Members that exist only in a map; {@code dead} ones fail to resume. */
    static final class FakeMembers implements PoolMembers {
        final Map<String, SandboxState> states = new ConcurrentHashMap<>();
        final Set<String> dead = ConcurrentHashMap.newKeySet();
        final Set<String> destroyed = ConcurrentHashMap.newKeySet();
        final AtomicInteger ids = new AtomicInteger();

        @Override
        public Sandbox create(WarmPool pool) {
            String id = "m" + ids.incrementAndGet();
            states.put(id, SandboxState.RUNNING);
            return view(id);
        }

        @Override
        public void pause(String id) {
            if (!states.containsKey(id) || dead.contains(id)) throw new SandtableException(ErrorCode.INVALID_STATE, "dead");
            states.put(id, SandboxState.PAUSED);
        }

        @Override
        public boolean resumeAlive(String id) {
            if (!states.containsKey(id) || dead.contains(id)) return false;
            states.put(id, SandboxState.RUNNING);
            return true;
        }

        @Override
        public void destroy(String id) {
            if (states.remove(id) != null) destroyed.add(id);
        }

        @Override
        public Sandbox view(String id) {
            SandboxState s = states.get(id);
            return s == null ? null : new Sandbox(id, id, "t", SourceKind.POOL, "p", s, null, null, Instant.EPOCH,
                    Instant.EPOCH, null, Isolation.none("fake"), "p", Map.of());
        }

        @Override
        public void changed(WarmPool pool, String action, String detail) {
        }

        @Override
        public void memberEvent(String sandboxId, String action, String detail) {
        }

        @Override
        public void runInBackground(Runnable task) {
            Thread.ofVirtual().start(task);
        }
    }

    private final FakeMembers members = new FakeMembers();

    private WarmPool pool(int minIdle, int maxSize) {
        WarmPool p = new WarmPool(new PoolDefinition("p", "t", minIdle, maxSize, Instant.EPOCH), members);
        p.refill();
        return p;
    }

    @Test
    void refillStopsAtMinIdleAndNeverExceedsMaxSize() {
        WarmPool p = pool(3, 3);
        waitUntil("three idle", () -> p.view().idle() == 3);
        Claim a = p.claim("a");
        assertThat(a.warm()).isTrue();
        waitUntil("refill settles", () -> p.view().starting() == 0);
        Pool v = p.view();
        assertThat(v.idle() + v.inUse()).isEqualTo(3);
        assertThat(members.states).hasSize(3);
    }

    @Test
    void aReturnAboveTheNewMaximumIsDestroyed() {
        WarmPool p = pool(0, 2);
        Claim a = p.claim("a");
        Claim b = p.claim("b");
        assertThat(a.warm()).isFalse();
        p.resize(0, 2);
        assertThat(catchThrowableOfType(SandtableException.class, () -> p.resize(0, 1)).code()).isEqualTo(ErrorCode.INVALID_STATE);
        p.release("a", ReleaseMode.PUT);
        assertThat(p.view().idle()).isEqualTo(1);
        assertThat(members.states.get(a.sandbox().id())).isEqualTo(SandboxState.PAUSED);
        p.release("b", ReleaseMode.DEAD);
        assertThat(members.destroyed).containsExactly(b.sandbox().id());
        assertThat(p.release("b", ReleaseMode.PUT)).isFalse();
        assertThat(p.view().stats().markedDead()).isEqualTo(1);
        assertThat(p.view().stats().releases()).isEqualTo(1);
    }

    @Test
    void deadIdleMembersAreSkippedAndCounted() {
        WarmPool p = pool(2, 4);
        waitUntil("two idle", () -> p.view().idle() == 2);
        String first = p.members().idle().getFirst();
        members.dead.add(first);
        Claim c = p.claim("c");
        assertThat(c.sandbox().id()).isNotEqualTo(first);
        assertThat(c.warm()).isTrue();
        assertThat(p.view().stats().deadSkipped()).isEqualTo(1);
        assertThat(members.destroyed).contains(first);
    }

    @Test
    void deletingDestroysIdleAndClaimedMembersAndRefusesNewClaims() {
        WarmPool p = pool(1, 3);
        waitUntil("one idle", () -> p.view().idle() == 1);
        Claim c = p.claim("c");
        waitUntil("refilled", () -> p.view().idle() == 1);
        assertThat(p.delete()).containsExactly("c");
        assertThat(members.states).isEmpty();
        assertThat(p.view().closing()).isTrue();
        assertThat(p.release("c", ReleaseMode.PUT)).isFalse();
        assertThat(catchThrowableOfType(SandtableException.class, () -> p.claim("d")).getMessage()).contains("being deleted");
        assertThat(members.destroyed).contains(c.sandbox().id());
    }
}
