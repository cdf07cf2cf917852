package dev.sandtable.spi;

/**
 * @param path      directory to watch, in the sandbox
 * @param recursive also watch its subdirectories
 */
public record WatchRequest(String path, boolean recursive) {
    public WatchRequest {
        if (path == null || path.isBlank()) throw new IllegalArgumentException("the directory to watch must not be empty");
    }
}
