package dev.sandtable.docker;

import dev.sandtable.model.LatencySummary;
import dev.sandtable.model.Names;
import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import org.HdrHistogram.Histogram;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Warm pools of containers, one image each, with the local runtime's (open-lambda SandboxSet) semantics: idle
 * members are created, started and paused ahead; a claim unpauses the oldest idle member (a hit) or creates one
 * (a miss); a released member is paused and made idle again ({@link PoolRecycle#PAUSE}) or destroyed
 * ({@link PoolRecycle#DESTROY}, or when the pool is over its size); refill to {@code minIdle} runs in the background.
 * Hits, misses, dead members skipped and the claim latency (HdrHistogram, µs) are recorded. Definitions live in
 * memory and on the members' labels.
 */
final class DockerWarmPools {
    private final DockerEngine engine;
    private final DockerLifecycle lifecycle;
    private final Clock clock;
    private final Map<String, PoolState> pools = new ConcurrentHashMap<>();
    private final Map<String, ClaimRef> claims = new ConcurrentHashMap<>();
    private volatile DockerInformer informer;

    private record ClaimRef(String pool, String containerId) {
    }

    private final class PoolState {
        final PoolSpec spec;
        final PoolRecycle recycle;
        final Instant createdAt;
        final ArrayDeque<String> idle = new ArrayDeque<>();
        int inUse;
        int starting;
        boolean closing;
        long hits, misses, deadSkipped, releases, markedDead;
        final Histogram latency = new Histogram(3_600_000_000L, 3);
        PoolSpec current;

        PoolState(PoolSpec spec, PoolRecycle recycle, Instant createdAt) {
            this.spec = spec;
            this.current = spec;
            this.recycle = recycle;
            this.createdAt = createdAt;
        }

        Pool snapshot() {
            return new Pool(current.name(), current.templateId(), current.minIdle(), current.maxSize(), idle.size(), inUse, starting, closing,
                    new PoolStats(hits, misses, deadSkipped, releases, markedDead, LatencySummary.of(latency)), createdAt);
        }
    }

    DockerWarmPools(DockerEngine engine, DockerLifecycle lifecycle, Clock clock) {
        this.engine = engine;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    void informer(DockerInformer i) {
        this.informer = i;
    }

    List<Pool> pools() {
        return pools.values().stream().map(p -> {
            synchronized (p) {
                return p.snapshot();
            }
        }).toList();
    }

    Pool create(PoolSpec spec, PoolRecycle recycle) {
        String problem = Names.problem("pool", spec.name());
        if (problem != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, problem);
        if (spec.templateId() == null || spec.templateId().isBlank())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "a Docker pool needs an image (template)");
        if (spec.minIdle() < 0 || spec.maxSize() < 1 || spec.minIdle() > spec.maxSize())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "need 0 <= min idle <= max size and max size >= 1, not "
                    + spec.minIdle() + " / " + spec.maxSize());
        try {
            engine.client().inspectImageCmd(spec.templateId()).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            throw new SandtableException(ErrorCode.NOT_FOUND, "no image '" + spec.templateId() + "' on " + engine.displayName());
        }
        PoolState p = new PoolState(spec, recycle, clock.instant());
        if (pools.putIfAbsent(spec.name(), p) != null)
            throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a pool named '" + spec.name() + "' exists already");
        changed(p, "created", "image " + spec.templateId() + ", min idle " + spec.minIdle() + ", max " + spec.maxSize());
        refill(p);
        return snap(p);
    }

    Pool resize(String name, int minIdle, int maxSize) {
        PoolState p = get(name);
        List<String> surplus = new java.util.ArrayList<>();
        synchronized (p) {
            if (minIdle < 0 || maxSize < 1 || minIdle > maxSize)
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "need 0 <= min idle <= max size, not " + minIdle + " / " + maxSize);
            if (maxSize < p.inUse)
                throw new SandtableException(ErrorCode.INVALID_STATE, p.inUse + " members of '" + name + "' are in use; release some before shrinking below that");
            p.current = new PoolSpec(name, p.spec.templateId(), minIdle, maxSize);
            while (p.idle.size() + p.inUse + p.starting > maxSize && !p.idle.isEmpty()) surplus.add(p.idle.pollLast());
        }
        surplus.forEach(lifecycle::destroy);
        changed(p, "resized", "min idle " + minIdle + ", max " + maxSize);
        refill(p);
        return snap(p);
    }

    void delete(String name) {
        PoolState p = get(name);
        List<String> members = new java.util.ArrayList<>();
        synchronized (p) {
            p.closing = true;
            members.addAll(p.idle);
            p.idle.clear();
        }
        for (Map.Entry<String, ClaimRef> c : List.copyOf(claims.entrySet()))
            if (c.getValue().pool().equals(name)) {
                claims.remove(c.getKey());
                members.add(c.getValue().containerId());
            }
        members.forEach(lifecycle::destroy);
        pools.remove(name);
        DockerInformer i = informer;
        if (i != null) i.poolChanged(snap(p), true, "deleted", members.size() + " members destroyed");
    }

    Claim claim(String name) {
        PoolState p = get(name);
        long t0 = System.nanoTime();
        while (true) {
            String id;
            synchronized (p) {
                if (p.closing) throw new SandtableException(ErrorCode.INVALID_STATE, "pool '" + name + "' is being deleted");
                id = p.idle.pollFirst();
                // the free places are held by members still starting: wait for one of them (up to 60 s)
                long waitUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (id == null && p.starting > 0 && p.inUse + p.starting >= p.current.maxSize() && !p.closing
                        && System.nanoTime() < waitUntil) {
                    try {
                        p.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SandtableException(ErrorCode.UNAVAILABLE, "interrupted while waiting for a member of '" + name + "'");
                    }
                    id = p.idle.pollFirst();
                }
                if (id == null) {
                    if (p.inUse + p.starting >= p.current.maxSize())
                        throw new SandtableException(ErrorCode.INVALID_STATE, "all " + p.current.maxSize() + " members of pool '" + name + "' are in use");
                    p.starting++;
                }
                if (id != null) p.inUse++;
            }
            if (id != null) {
                try {
                    lifecycle.unpause(id);
                } catch (RuntimeException dead) {
                    synchronized (p) {
                        p.inUse--;
                        p.deadSkipped++;
                    }
                    try {
                        lifecycle.destroy(id);
                    } catch (RuntimeException ignored) {
                        // it is gone either way
                    }
                    continue;
                }
                return claimed(p, id, true, t0);
            }
            String created;
            try {
                created = createMember(p).id();
            } finally {
                synchronized (p) {
                    p.starting--;
                }
            }
            synchronized (p) {
                p.inUse++;
            }
            return claimed(p, created, false, t0);
        }
    }

    private Claim claimed(PoolState p, String id, boolean warm, long t0) {
        Duration latency = Duration.ofNanos(System.nanoTime() - t0);
        String claimId = "claim-" + hex(6);
        claims.put(claimId, new ClaimRef(p.spec.name(), id));
        synchronized (p) {
            if (warm) p.hits++;
            else p.misses++;
            p.latency.recordValue(Math.max(1, Math.min(latency.toNanos() / 1000, p.latency.getHighestTrackableValue())));
        }
        changed(p, "claimed", (warm ? "warm" : "cold") + " in " + latency.toMillis() + " ms");
        refill(p);
        Sandbox s = lifecycle.current(id);
        return new Claim(claimId, p.spec.name(), s, warm, latency);
    }

    void release(String claimId, ReleaseMode mode) {
        ClaimRef c = claims.remove(claimId);
        if (c == null) throw new SandtableException(ErrorCode.NOT_FOUND, "no claim '" + claimId + "' (released already, or its pool was deleted)");
        PoolState p = pools.get(c.pool());
        if (p == null) {
            lifecycle.destroy(c.containerId());
            return;
        }
        boolean keep;
        synchronized (p) {
            p.inUse--;
            if (mode == ReleaseMode.DEAD) p.markedDead++;
            else p.releases++;
            keep = mode == ReleaseMode.PUT && p.recycle == PoolRecycle.PAUSE && !p.closing
                    && p.idle.size() + p.inUse + p.starting + 1 <= p.current.maxSize();
        }
        boolean recycled = false;
        if (keep) {
            try {
                lifecycle.pause(c.containerId());
                synchronized (p) {
                    p.idle.addLast(c.containerId());
                }
                recycled = true;
            } catch (RuntimeException dead) {
                recycled = false;
            }
        }
        if (!recycled) lifecycle.destroy(c.containerId());
        changed(p, "released", mode == ReleaseMode.DEAD ? "marked dead, destroyed" : recycled ? "paused, idle again" : "destroyed");
        refill(p);
    }

    /** Creates, starts and pauses members until minIdle are idle (one at a time, in the background). */
    private void refill(PoolState p) {
        engine.executor().execute(() -> {
            while (true) {
                synchronized (p) {
                    if (p.closing || p.idle.size() + p.starting >= p.current.minIdle()
                            || p.idle.size() + p.inUse + p.starting >= p.current.maxSize()) return;
                    p.starting++;
                }
                changed(p, null, null);
                String id = null;
                try {
                    id = createMember(p).id();
                    lifecycle.pause(id);
                } catch (RuntimeException e) {
                    if (id != null) try {
                        lifecycle.destroy(id);
                    } catch (RuntimeException ignored) {
                        // the creation failure is what matters
                    }
                    id = null;
                }
                boolean orphan;
                synchronized (p) {
                    p.starting--;
                    orphan = id != null && p.closing;
                    if (id != null && !p.closing) p.idle.addLast(id);
                    p.notifyAll();
                }
                if (orphan) {
                    lifecycle.destroy(id); // the pool was deleted while this member started
                    return;
                }
                changed(p, null, null);
                if (id == null) return; // the engine refused: try again at the next change, not in a loop
            }
        });
    }

    private Sandbox createMember(PoolState p) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DockerLabels.POOL, p.spec.name());
        labels.put(DockerLabels.POOL_MIN_IDLE, Integer.toString(p.current.minIdle()));
        labels.put(DockerLabels.POOL_MAX_SIZE, Integer.toString(p.current.maxSize()));
        labels.put(DockerLabels.POOL_RECYCLE, p.recycle.name().toLowerCase(java.util.Locale.ROOT));
        labels.put(DockerLabels.SOURCE_KIND, "pool");
        labels.put(DockerLabels.SOURCE_REF, p.spec.name());
        return lifecycle.create(DockerCreateSpec.of(p.spec.templateId(), p.spec.name() + "-" + hex(3)), labels);
    }

    private PoolState get(String name) {
        PoolState p = pools.get(name);
        if (p == null) throw new SandtableException(ErrorCode.NOT_FOUND, "no pool named '" + name + "' on " + engine.displayName());
        return p;
    }

    private Pool snap(PoolState p) {
        synchronized (p) {
            return p.snapshot();
        }
    }

    private void changed(PoolState p, String action, String detail) {
        DockerInformer i = informer;
        if (i != null && pools.containsKey(p.spec.name())) i.poolChanged(snap(p), false, action, detail);
    }

    /** Destroys every member (the backend is closing). */
    void closeAll() {
        for (String name : List.copyOf(pools.keySet())) {
            try {
                delete(name);
            } catch (RuntimeException ignored) {
                // the engine may be gone
            }
        }
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
