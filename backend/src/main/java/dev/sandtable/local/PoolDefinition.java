package dev.sandtable.local;

import java.time.Instant;

/** What is saved of a pool in {@code pools/<name>.json}: enough to bring it back and refill it after a restart. */
record PoolDefinition(String name, String templateId, int minIdle, int maxSize, Instant createdAt) {
    PoolDefinition resized(int newMinIdle, int newMaxSize) {
        return new PoolDefinition(name, templateId, newMinIdle, newMaxSize, createdAt);
    }
}
