package dev.sandtable.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (a Docker engine, root, nginx, liburing, bubblewrap...).
 *
 * <p>On a developer's machine a missing piece skips the test with a message that says what to install. Under
 * {@code .ci/run}, which installs every piece and exports {@code SANDTABLE_CI=1}, a missing piece fails the test
 * instead: CI must never pass by skipping.
 */
public final class Requirements {
    private Requirements() {}

    /** True when running under {@code .ci/run}. */
    public static boolean inCi() {
        return "1".equals(System.getenv("SANDTABLE_CI"));
    }

    /** Skips (or, in CI, fails) the calling test unless {@code present}. */
    public static void require(boolean present, String whatIsMissing) {
        if (present) return;
        if (inCi()) Assertions.fail("CI requires this, but: " + whatIsMissing);
        Assumptions.assumeTrue(false, "skipped: " + whatIsMissing);
    }

    /** Requires running as root (loop devices, the native-helper, cgroup mounts). */
    public static void requireRoot() {
        require("root".equals(System.getProperty("user.name")), "needs root");
    }
}
