package dev.sandtable.latency;

/** Calls a listener method; a listener's exception must not end the run. */
final class Listeners {
    private Listeners() {
    }

    static void call(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ignored) {
            // a listener's bug is its own
        }
    }
}
