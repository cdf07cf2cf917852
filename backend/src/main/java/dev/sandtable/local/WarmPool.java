package dev.sandtable.local;

import dev.sandtable.model.LatencySummary;
import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One warm pool, after open-lambda's SandboxSet: idle members are paused sandboxes; a claim takes an idle member,
 * resumes it and checks it is alive (dead ones are skipped and destroyed), or creates one when none is idle; a PUT
 * release pauses the member and makes it idle again, a DEAD release destroys it. A background refill keeps
 * {@code minIdle} members idle without ever exceeding {@code maxSize} members in all.
 *
 * <p>Counting: every member is in exactly one of idle, claimed, "being claimed" (resuming or being created for a
 * claim), starting (refill) or returning (being paused after a PUT). {@code maxSize} bounds their sum.
 * The pool's lock is never held while calling {@link PoolMembers}.
 */
final class WarmPool {
    private static final Duration WAIT_FOR_CAPACITY = Duration.ofSeconds(60);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PoolMembers members;
    private PoolDefinition def;
    private final Deque<String> idle = new ArrayDeque<>();
    private final Map<String, String> claims = new LinkedHashMap<>();
    private int beingClaimed;
    private int starting;
    private int returning;
    private boolean closing;
    private boolean stopped;
    private boolean refilling;
    private long hits, misses, deadSkipped, releases, markedDead;
    private final Histogram latency = new Histogram(3);

    WarmPool(PoolDefinition def, PoolMembers members) {
        this.def = def;
        this.members = members;
    }

    String name() {
        return def.name();
    }

    PoolDefinition definition() {
        lock.lock();
        try {
            return def;
        } finally {
            lock.unlock();
        }
    }

    Pool view() {
        lock.lock();
        try {
            PoolStats stats = new PoolStats(hits, misses, deadSkipped, releases, markedDead, LatencySummary.of(latency));
            return new Pool(def.name(), def.templateId(), def.minIdle(), def.maxSize(), idle.size(),
                    claims.size() + beingClaimed, starting + returning, closing, stats, def.createdAt());
        } finally {
            lock.unlock();
        }
    }

    private int total() {
        return idle.size() + claims.size() + beingClaimed + starting + returning;
    }

    Claim claim(String claimId) {
        long t0 = System.nanoTime();
        while (true) {
            String candidate;
            lock.lock();
            try {
                candidate = reserve();
            } finally {
                lock.unlock();
            }
            members.changed(this, null, null);
            if (candidate != null) {
                if (members.resumeAlive(candidate)) return finish(claimId, candidate, true, t0);
                lock.lock();
                try {
                    beingClaimed--;
                    deadSkipped++;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                members.destroy(candidate);
                members.changed(this, "skipped a dead member", candidate);
                continue;
            }
            Sandbox created;
            try {
                created = members.create(this);
            } catch (RuntimeException e) {
                lock.lock();
                try {
                    beingClaimed--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                members.changed(this, null, null);
                throw e;
            }
            return finish(claimId, created.id(), false, t0);
        }
    }

    /** With the lock held: takes an idle member (returned) or reserves room for a new one (null); waits or fails. */
    private String reserve() {
        long deadline = System.nanoTime() + WAIT_FOR_CAPACITY.toNanos();
        while (true) {
            if (closing || stopped) throw gone();
            String id = idle.pollFirst();
            if (id != null) {
                beingClaimed++;
                return id;
            }
            if (total() < def.maxSize()) {
                beingClaimed++;
                return null;
            }
            int inUse = claims.size() + beingClaimed;
            if (inUse >= def.maxSize())
                throw new SandtableException(ErrorCode.INVALID_STATE, "pool '" + def.name() + "' is at its maximum size: all "
                        + def.maxSize() + " members are in use; release one or resize the pool");
            // the remaining room is held by members being started or returned: one of them will be idle soon
            long left = deadline - System.nanoTime();
            if (left <= 0)
                throw new SandtableException(ErrorCode.UNAVAILABLE, "pool '" + def.name()
                        + "' has no idle member and every free place is taken by a member still starting; try again");
            try {
                changed.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandtableException(ErrorCode.UNAVAILABLE, "interrupted while waiting for pool '" + def.name() + "'");
            }
        }
    }

    private Claim finish(String claimId, String sandboxId, boolean warm, long t0) {
        long micros = (System.nanoTime() - t0) / 1000;
        boolean abandoned;
        lock.lock();
        try {
            beingClaimed--;
            abandoned = closing || stopped;
            if (!abandoned) {
                claims.put(claimId, sandboxId);
                if (warm) hits++;
                else misses++;
                latency.recordValue(Math.max(1, micros));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (abandoned) {
            members.destroy(sandboxId);
            throw gone();
        }
        members.memberEvent(sandboxId, "claimed", "pool " + def.name() + ", claim " + claimId + (warm ? ", warm" : ", cold"));
        members.changed(this, null, null);
        refill();
        Sandbox s = members.view(sandboxId);
        return new Claim(claimId, def.name(), s, warm, Duration.ofNanos(micros * 1000));
    }

    private SandtableException gone() {
        return new SandtableException(ErrorCode.INVALID_STATE, "pool '" + def.name() + "' is "
                + (stopped ? "stopped: the runtime is closing" : "being deleted"));
    }

    boolean owns(String claimId) {
        lock.lock();
        try {
            return claims.containsKey(claimId);
        } finally {
            lock.unlock();
        }
    }

    /** Releases a claim of this pool; {@code false} when this pool does not hold it. */
    boolean release(String claimId, ReleaseMode mode) {
        String sandboxId;
        boolean keep;
        lock.lock();
        try {
            sandboxId = claims.remove(claimId);
            if (sandboxId == null) return false;
            if (mode == ReleaseMode.DEAD) {
                markedDead++;
                keep = false;
            } else {
                releases++;
                keep = !closing && !stopped && total() + 1 <= def.maxSize();
                if (keep) returning++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        members.memberEvent(sandboxId, "released", mode == ReleaseMode.DEAD ? "marked dead: destroyed"
                : keep ? "put back: paused and idle" : "put back: destroyed (the pool is over capacity or closing)");
        if (keep) {
            boolean paused;
            try {
                members.pause(sandboxId);
                paused = true;
            } catch (RuntimeException e) {
                paused = false;
            }
            boolean destroy = !paused;
            lock.lock();
            try {
                returning--;
                if (paused && !closing && !stopped && total() < def.maxSize()) idle.addLast(sandboxId);
                else destroy = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (destroy) members.destroy(sandboxId);
        } else {
            members.destroy(sandboxId);
        }
        members.changed(this, null, null);
        refill();
        return true;
    }

    /** Starts the background refill when idle members are missing (one refill loop at a time). */
    void refill() {
        lock.lock();
        try {
            if (refilling || closing || stopped || !needsMember()) return;
            refilling = true;
        } finally {
            lock.unlock();
        }
        members.runInBackground(this::refillLoop);
    }

    private boolean needsMember() {
        return idle.size() + starting < def.minIdle() && total() < def.maxSize();
    }

    private void refillLoop() {
        while (true) {
            lock.lock();
            try {
                if (closing || stopped || !needsMember()) {
                    refilling = false;
                    return;
                }
                starting++;
            } finally {
                lock.unlock();
            }
            members.changed(this, null, null);
            String id = null;
            try {
                id = members.create(this).id();
                members.pause(id);
            } catch (RuntimeException e) {
                lock.lock();
                try {
                    starting--;
                    refilling = false;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                if (id != null) members.destroy(id);
                members.changed(this, "refill failed", SandtableException.of(e).getMessage());
                return;
            }
            boolean keep;
            lock.lock();
            try {
                starting--;
                keep = !closing && !stopped && total() < def.maxSize();
                if (keep) idle.addLast(id);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (!keep) members.destroy(id);
            members.changed(this, null, null);
        }
    }

    /** New sizes; idle members beyond the new maximum are destroyed. */
    void resize(int minIdle, int maxSize) {
        List<String> extra = new ArrayList<>();
        lock.lock();
        try {
            int inUse = claims.size() + beingClaimed;
            if (maxSize < inUse)
                throw new SandtableException(ErrorCode.INVALID_STATE, "cannot shrink pool '" + def.name() + "' to " + maxSize
                        + " members: " + inUse + " are in use; release some first");
            def = def.resized(minIdle, maxSize);
            while (total() > maxSize && !idle.isEmpty()) extra.add(idle.pollLast());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (String id : extra) members.destroy(id);
        refill();
    }

    /**
     * Deletes the pool: every member, idle or claimed, is destroyed; returns the ids of the claims voided.
     * Waits for members still starting to be destroyed by their starter.
     */
    List<String> delete() {
        List<String> doomed = new ArrayList<>();
        List<String> voided;
        lock.lock();
        try {
            closing = true;
            doomed.addAll(idle);
            doomed.addAll(claims.values());
            voided = new ArrayList<>(claims.keySet());
            idle.clear();
            claims.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        members.changed(this, null, null);
        for (String id : doomed) members.destroy(id);
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (starting + returning + beingClaimed > 0 && System.nanoTime() < deadline)
                changed.await(50, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        return voided;
    }

    /** The runtime is closing: stop refilling and claiming; members are destroyed with every other sandbox. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A member vanished behind the pool's back (destroyed directly): forget it if idle. */
    void forget(String sandboxId) {
        lock.lock();
        try {
            if (idle.remove(sandboxId)) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Snapshot of the member ids by role, for tests and diagnostics. */
    record Members(List<String> idle, Map<String, String> claims) {
    }

    Members members() {
        lock.lock();
        try {
            return new Members(List.copyOf(idle), Map.copyOf(claims));
        } finally {
            lock.unlock();
        }
    }
}
