package dev.sandtable.latency;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** A probe session's wait for one call: its answer, or a sentence naming the endpoint and the call. */
final class CallWait {
    private CallWait() {
    }

    /**
     * The call's result within the call timeout (plus a second for the transport's own deadline to speak first);
     * a failure becomes {@code describe}'s exception, no answer "LABEL: WHAT got no answer within N ms" (the call is
     * cancelled then). An interrupt becomes "the probe was interrupted".
     */
    static <T> T await(CompletableFuture<T> f, Duration timeout, String label, String what, Function<Throwable, SandtableException> describe) {
        try {
            return awaitInterruptibly(f, timeout, label, what, describe);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the probe was interrupted");
        }
    }

    /** As {@link #await}, for a probe that lets an interrupt end the run. */
    static <T> T awaitInterruptibly(CompletableFuture<T> f, Duration timeout, String label, String what,
                                    Function<Throwable, SandtableException> describe) throws InterruptedException {
        try {
            return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw describe.apply(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SandtableException(ErrorCode.UNAVAILABLE, label + ": " + what + " got no answer within " + timeout.toMillis() + " ms");
        }
    }
}
