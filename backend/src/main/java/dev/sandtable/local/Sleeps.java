package dev.sandtable.local;

/** Short back-off for polling loops: 1 ms at first, growing to 20 ms. */
final class Sleeps {
    private Sleeps() {
    }

    static void brief(int round) {
        try {
            Thread.sleep(Math.min(20, 1 + round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
