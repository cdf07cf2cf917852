package dev.sandtable.spi;

/**
 * @param name       pool name (a DNS label)
 * @param templateId template its members are made from
 * @param minIdle    idle members kept ready
 * @param maxSize    most members at once (idle + in use)
 */
public record PoolSpec(String name, String templateId, int minIdle, int maxSize) {
}
