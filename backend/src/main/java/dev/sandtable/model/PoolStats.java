package dev.sandtable.model;

/**
 * Counters of a warm pool.
 *
 * @param hits         claims served by an idle member
 * @param misses       claims that had to create a sandbox
 * @param deadSkipped  idle members found dead at claim time and destroyed
 * @param releases     handles put back
 * @param markedDead   handles released as dead (their sandbox never re-enters the pool)
 * @param claimLatency time from claim to a usable sandbox
 */
public record PoolStats(long hits, long misses, long deadSkipped, long releases, long markedDead, LatencySummary claimLatency) {
    public static final PoolStats EMPTY = new PoolStats(0, 0, 0, 0, 0, LatencySummary.EMPTY);

    public double hitRatio() {
        long total = hits + misses;
        return total == 0 ? 0 : (double) hits / total;
    }
}
