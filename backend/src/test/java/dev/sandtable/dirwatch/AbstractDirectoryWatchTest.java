package dev.sandtable.dirwatch;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AbstractDirectoryWatchTest {
    static final class Watch extends AbstractDirectoryWatch {
        final AtomicInteger stops = new AtomicInteger();

        Watch(WatchListener listener) {
            super(new WatchRequest("/w", false), listener, Clock.systemUTC());
        }

        void fail(String why) {
            end(new SandtableException(ErrorCode.UNAVAILABLE, why));
        }

        @Override
        protected void stop() {
            stops.incrementAndGet();
        }
    }

    static final class Ends implements WatchListener {
        final List<WatchState.Ended> ended = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(FsEvent event) {
        }

        @Override
        public void onState(WatchState state) {
            if (state instanceof WatchState.Ended e) ended.add(e);
        }
    }

    @Test
    void aStartThatFailsHasReportedEndedBeforeItsFutureFails() {
        Ends ends = new Ends();
        Watch w = new Watch(ends);
        java.util.concurrent.CompletableFuture<Watch> start = new java.util.concurrent.CompletableFuture<>();
        List<Integer> endsSeenByTheFailure = new CopyOnWriteArrayList<>();
        start.whenComplete((v, e) -> endsSeenByTheFailure.add(ends.ended.size()));
        SandtableException missing = new SandtableException(ErrorCode.NOT_FOUND, "path relative not found");
        w.endAndFail(start, missing);
        assertThat(endsSeenByTheFailure).containsExactly(1);
        assertThat(start).isCompletedExceptionally();
        assertThat(ends.ended.getFirst().error()).isSameAs(missing);
        assertThat(w.isOpen()).isFalse();
    }

    @Test
    void aFailureEndsTheWatchWithItsErrorAndACloseAfterItChangesNothing() {
        Ends ends = new Ends();
        Watch w = new Watch(ends);
        assertThat(w.isOpen()).isTrue();
        w.fail("the stream broke");
        w.close();
        assertThat(w.isOpen()).isFalse();
        assertThat(w.stops).hasValue(1);
        assertThat(ends.ended).hasSize(1);
        assertThat(ends.ended.getFirst().error()).hasMessage("the stream broke");
    }

    @RepeatedTest(20)
    void aCloseRacingAFailureEndsTheWatchOnce() throws Exception {
        Ends ends = new Ends();
        Watch w = new Watch(ends);
        CountDownLatch go = new CountDownLatch(1);
        Thread a = Thread.ofPlatform().start(() -> {
            await(go);
            w.close();
        });
        Thread b = Thread.ofPlatform().start(() -> {
            await(go);
            w.fail("cut");
        });
        go.countDown();
        a.join();
        b.join();
        assertThat(w.stops).hasValue(1);
        assertThat(ends.ended).hasSize(1);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
