package dev.sandtable.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The public API specifications in {@code shared/specs/} beside the checkout (as CI has them; they are not copied
 * into the project). A test that needs one skips without it on a developer's machine and fails in CI.
 */
public final class SharedSpecs {
    private SharedSpecs() {}

    /** {@code shared/specs/<relative>} (a file or a folder), found from the working directory or any of its parents. */
    public static Path require(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (Path candidate : List.of(d.resolve("shared/specs").resolve(relative), d.resolveSibling("shared/specs").resolve(relative)))
                if (Files.exists(candidate)) return candidate;
        }
        Requirements.require(false, "the public API spec shared/specs/" + relative + " beside the checkout (the project's shared/ folder)");
        throw new AssertionError("unreachable");
    }
}
