package dev.sandtable.app.testing;

import org.testfx.util.WaitForAsyncUtils;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting in TestFX tests for what the window shows. */
public final class FxWait {
    private FxWait() {
    }

    /**
     * Waits up to {@code timeout} (FX events included) until the condition holds, then asserts it, so that a timeout
     * fails naming what was awaited.
     */
    public static void until(String what, Duration timeout, BooleanSupplier c) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS, () -> {
                WaitForAsyncUtils.waitForFxEvents();
                return c.getAsBoolean();
            });
        } catch (TimeoutException e) {
            // the assertion names what did not happen
        }
        assertThat(c.getAsBoolean()).as(what).isTrue();
    }
}
