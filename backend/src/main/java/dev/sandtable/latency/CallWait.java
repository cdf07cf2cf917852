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
import java.util.function.Supplier;

/** The lab's wait for one call: its answer, or a sentence naming the endpoint and the call. */
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
        return get(f, timeout.plusSeconds(1), describe, () -> label + ": " + what + " got no answer within " + timeout.toMillis() + " ms");
    }

    /**
     * The result of {@code f} within {@code wait}: a failure becomes {@code describe}'s exception; past the wait the
     * call is cancelled and fails with {@code noAnswer}'s sentence.
     */
    static <T> T get(CompletableFuture<T> f, Duration wait, Function<Throwable, SandtableException> describe,
                     Supplier<String> noAnswer) throws InterruptedException {
        try {
            return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw describe.apply(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SandtableException(ErrorCode.UNAVAILABLE, noAnswer.get());
        }
    }
}
