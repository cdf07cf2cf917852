package dev.sandtable.app;

import java.lang.management.ManagementFactory;

/** With {@code -Dsandtable.firstFrame=true}, prints how long after JVM start each start-up phase ended. */
public final class StartupTrace {
    private static final boolean ON = Boolean.getBoolean("sandtable.firstFrame");

    private StartupTrace() {
    }

    public static void mark(String phase) {
        if (ON) System.out.println("sandtable: " + phase + " at " + sinceJvmStart() + " ms");
    }

    public static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }
}
