package dev.sandtable.dirwatch;

import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every directory watch into a sandbox shares: its request, listener and clock, and an end that happens exactly
 * once, whether the user closes the watch, its stream fails or the sandbox ends it, even when these race.
 */
public abstract class AbstractDirectoryWatch implements DirectoryWatch {
    protected final WatchRequest request;
    protected final WatchListener listener;
    protected final Clock clock;
    private final AtomicBoolean open = new AtomicBoolean(true);

    protected AbstractDirectoryWatch(WatchRequest request, WatchListener listener, Clock clock) {
        this.request = request;
        this.listener = listener;
        this.clock = clock;
    }

    @Override
    public final WatchRequest request() {
        return request;
    }

    @Override
    public final boolean isOpen() {
        return open.get();
    }

    /**
     * Ends the watch if it is still open: {@link #stop()}, then {@link WatchState.Ended} with {@code error} (null:
     * closed, or ended by the sandbox without a fault). False when it had ended already.
     */
    protected final boolean end(SandtableException error) {
        if (!open.compareAndSet(true, false)) return false;
        stop();
        listener.onState(new WatchState.Ended(clock.instant(), error));
        return true;
    }

    /**
     * Ends the watch with {@code error}, then fails {@code start} with it unless it has completed: whoever sees the
     * start fail has already been told {@link WatchState.Ended}.
     */
    protected final void endAndFail(CompletableFuture<?> start, SandtableException error) {
        end(error);
        start.completeExceptionally(error);
    }

    @Override
    public final void close() {
        end(null);
    }

    /** Releases what feeds the watch (a stream, an exec, a poller); called once, by whatever ends the watch first. */
    protected abstract void stop();
}
