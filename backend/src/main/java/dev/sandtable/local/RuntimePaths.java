package dev.sandtable.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the local runtime keeps things, after the XDG base directory spec:
 * <ul>
 *   <li>{@link #data()}: what outlives the service (snapshots, templates, pool definitions): $XDG_DATA_HOME/sandtable</li>
 *   <li>{@link #state()}: live sandbox trees, which do not outlive the service: $XDG_STATE_HOME/sandtable</li>
 *   <li>{@link #runtime()}: the service's socket/port file and lock: $XDG_RUNTIME_DIR/sandtable (or a private /tmp folder)</li>
 * </ul>
 * Tests build one on a temporary folder with {@link #under(Path)} so that nothing touches the user's real folders.
 */
public record RuntimePaths(Path data, Path state, Path runtime) {

    public static RuntimePaths fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** SANDTABLE_HOME, when set, puts all three folders below it (isolated instances, tests, demos). */
    static RuntimePaths fromEnvironment(Map<String, String> env, Path home) {
        String sandtableHome = env.get("SANDTABLE_HOME");
        if (sandtableHome != null && !sandtableHome.isBlank()) return under(Path.of(sandtableHome).toAbsolutePath());
        Path data = xdg(env, "XDG_DATA_HOME", home.resolve(".local/share"));
        Path state = xdg(env, "XDG_STATE_HOME", home.resolve(".local/state"));
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        Path runtime = runtimeDir != null && !runtimeDir.isBlank() && Files.isDirectory(Path.of(runtimeDir))
                ? Path.of(runtimeDir).resolve("sandtable")
                : Path.of(System.getProperty("java.io.tmpdir"), "sandtable-" + System.getProperty("user.name"));
        return new RuntimePaths(data.resolve("sandtable"), state.resolve("sandtable"), runtime);
    }

    private static Path xdg(Map<String, String> env, String name, Path fallback) {
        String v = env.get(name);
        return v != null && !v.isBlank() && Path.of(v).isAbsolute() ? Path.of(v) : fallback;
    }

    /** All three folders below one root: for tests and for {@code --home}. */
    public static RuntimePaths under(Path root) {
        return new RuntimePaths(root.resolve("data"), root.resolve("state"), root.resolve("run"));
    }

    public Path snapshots() {
        return data.resolve("snapshots");
    }

    public Path templates() {
        return data.resolve("templates");
    }

    public Path pools() {
        return data.resolve("pools");
    }

    public Path sandboxes() {
        return state.resolve("sandboxes");
    }
}
