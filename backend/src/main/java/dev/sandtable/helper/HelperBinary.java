package dev.sandtable.helper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the bundled helper binary is: -Dsandtable.helper.bin, $SANDTABLE_HELPER_BIN, or the source tree's build. */
public final class HelperBinary {
    private HelperBinary() {
    }

    public static Optional<Path> find() {
        for (String p : new String[]{System.getProperty("sandtable.helper.bin"), System.getenv("SANDTABLE_HELPER_BIN")}) {
            if (p != null && !p.isBlank() && Files.isExecutable(Path.of(p))) return Optional.of(Path.of(p));
        }
        String launcher = System.getProperty("sandtable.launcher"); // set by ./sandtable: the repository's root
        Path root = launcher != null ? Path.of(launcher).toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
        for (Path dir = root; dir != null; dir = dir.getParent()) {
            Path bin = dir.resolve("native-helper/build/sandtable-helper");
            if (Files.isExecutable(bin)) return Optional.of(bin);
        }
        return Optional.empty();
    }

    /** The sanitizer build next to it (used by the tests when present). */
    public static Optional<Path> findSanitized() {
        return find().map(b -> b.resolveSibling("asan/sandtable-helper")).filter(Files::isExecutable);
    }

    public static String howToBuild() {
        return "the native helper is not built: install a C compiler and liburing-dev (apt-get install gcc make liburing-dev),"
                + " then run ./mvnw -pl native-helper compile (or make -C native-helper)";
    }
}
