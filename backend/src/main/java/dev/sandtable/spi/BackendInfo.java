package dev.sandtable.spi;

/**
 * @param id          unique among connected backends, e.g. "local", "docker:unix:///var/run/docker.sock"
 * @param displayName shown in the sidebar
 * @param kind        which family of backend
 * @param endpoint    where it is reached (a URL or socket path), for tooltips
 */
public record BackendInfo(String id, String displayName, BackendKind kind, String endpoint) {
}
