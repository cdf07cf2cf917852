package dev.sandtable.app;

import java.lang.management.ManagementFactory;

/** With {@code -Dsandtable.firstFrame=true}, prints how long after JVM start each start-up phase ended. */
public final class StartupTrace {
    private static final boolean ON = Boolean.getBoolean("sandtable.firstFrame");
    private static final java.util.concurrent.CountDownLatch FIRST_FRAME = new java.util.concurrent.CountDownLatch(1);

    private StartupTrace() {
    }

    public static void mark(String phase) {
        if (ON) System.out.println("sandtable: " + phase + " at " + sinceJvmStart() + " ms");
    }

    /** The window drew its first frame. */
    public static void firstFrameShown() {
        FIRST_FRAME.countDown();
    }

    /**
     * Waits (at most {@code max}) until the window drew its first frame: heavy background start-up work (starting the
     * service's JVM) waits for it so that it does not slow the first frame down on a two-core machine.
     */
    public static void awaitFirstFrame(java.time.Duration max) {
        try {
            FIRST_FRAME.await(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }
}
