package dev.sandtable.app.watch;

import dev.sandtable.spi.Backend;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import dev.sandtable.spi.WatchState;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class WatchViewModelTest {
    /** A backend whose watchDir hands the listener to the test; everything else is a synthetic backend. */
    static final class Watches {
        final List<WatchRequest> requests = new ArrayList<>();
        final List<WatchListener> listeners = new ArrayList<>();
        final List<Boolean> closed = new ArrayList<>();
        final Backend backend;

        Watches() {
            SyntheticBackend real = new SyntheticBackend();
            InvocationHandler h = (proxy, m, args) -> {
                if (m.getName().equals("watchDir")) {
                    WatchRequest r = (WatchRequest) args[1];
                    requests.add(r);
                    listeners.add((WatchListener) args[2]);
                    int i = closed.size();
                    closed.add(false);
                    return CompletableFuture.completedFuture(new DirectoryWatch() {
                        @Override
                        public WatchRequest request() {
                            return r;
                        }

                        @Override
                        public boolean isOpen() {
                            return !closed.get(i);
                        }

                        @Override
                        public void close() {
                            closed.set(i, true);
                        }
                    });
                }
                return m.invoke(real, args);
            };
            backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, h);
        }

        WatchListener last() {
            return listeners.getLast();
        }
    }

    private static FsEvent ev(FsEvent.FsEventType t, String path) {
        return new FsEvent(Instant.parse("2026-01-01T00:00:00Z"), t, path, null);
    }

    @Test
    void startSendsThePathAndShowsTheStreamStates() {
        Watches w = new Watches();
        WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run);
        vm.pathProperty().set("  /data ");
        vm.recursiveProperty().set(false);
        vm.start();
        assertThat(w.requests).containsExactly(new WatchRequest("/data", false));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.CONNECTING);
        w.last().onState(new WatchState.Started(Instant.now(), Duration.ofMillis(12)));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.LIVE);
        assertThat(vm.statusTextProperty().get()).contains("started in 12 ms");
        w.last().onState(new WatchState.Keepalive(Instant.now()));
        assertThat(vm.keepalivesProperty().get()).isEqualTo(1);
        assertThat(vm.statusTextProperty().get()).contains("keepalives 1");
        w.last().onState(new WatchState.Ended(Instant.now(), new SandtableException(ErrorCode.UNAUTHORIZED, "the access token was refused")));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.FAILED);
        assertThat(vm.statusTextProperty().get()).contains("the access token was refused");
    }

    @Test
    void eventsAreCountedAndFilteredByTextAndType() {
        Watches w = new Watches();
        WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run);
        vm.start();
        WatchListener l = w.last();
        l.onEvent(ev(FsEvent.FsEventType.CREATE, "src/Main.java"));
        l.onEvent(ev(FsEvent.FsEventType.WRITE, "src/Main.java"));
        l.onEvent(ev(FsEvent.FsEventType.WRITE, "README.md"));
        l.onEvent(ev(FsEvent.FsEventType.REMOVE, "tmp/x"));
        assertThat(vm.totalProperty().get()).isEqualTo(4);
        assertThat(vm.count(FsEvent.FsEventType.WRITE).get()).isEqualTo(2);
        assertThat(vm.countersText()).isEqualTo("4 events · 1 create · 2 write · 1 remove");
        vm.filterProperty().set("main");
        assertThat(vm.visible()).extracting(WatchRow::path).containsExactly("src/Main.java", "src/Main.java");
        vm.typeFilterProperty().set(FsEvent.FsEventType.WRITE);
        assertThat(vm.visible()).extracting(WatchRow::type).containsExactly(FsEvent.FsEventType.WRITE);
        vm.filterProperty().set("");
        assertThat(vm.visible()).extracting(WatchRow::path).containsExactly("src/Main.java", "README.md");
        l.onEvent(ev(FsEvent.FsEventType.WRITE, "later"));
        assertThat(vm.visible()).extracting(WatchRow::path).endsWith("later");
        vm.clear();
        assertThat(vm.events()).isEmpty();
        assertThat(vm.totalProperty().get()).isZero();
    }

    @Test
    void restartingIgnoresTheOldStreamAndStopClosesIt() {
        Watches w = new Watches();
        WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run);
        vm.start();
        WatchListener first = w.last();
        vm.pathProperty().set("/other");
        vm.start();
        assertThat(w.closed.getFirst()).isTrue();
        first.onEvent(ev(FsEvent.FsEventType.CREATE, "stale"));
        assertThat(vm.events()).isEmpty();
        w.last().onEvent(ev(FsEvent.FsEventType.CREATE, "fresh"));
        assertThat(vm.events()).extracting(WatchRow::path).containsExactly("fresh");
        vm.stop();
        assertThat(w.closed.getLast()).isTrue();
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.ENDED);
        w.last().onEvent(ev(FsEvent.FsEventType.CREATE, "after stop"));
        assertThat(vm.events()).hasSize(1);
    }

    @Test
    void emptyPathIsRefusedWithAMessage() {
        Watches w = new Watches();
        WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run);
        vm.pathProperty().set(" ");
        vm.start();
        assertThat(w.requests).isEmpty();
        assertThat(vm.statusTextProperty().get()).isEqualTo("Enter a directory to watch");
    }

    @Test
    void eventListIsBoundedButTheCounterIsNot() {
        Watches w = new Watches();
        WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run);
        vm.start();
        for (int i = 0; i < WatchViewModel.MAX_EVENTS + 10; i++) w.last().onEvent(ev(FsEvent.FsEventType.WRITE, "f" + i));
        assertThat(vm.events()).hasSize(WatchViewModel.MAX_EVENTS);
        assertThat(vm.events().getFirst().path()).isEqualTo("f10");
        assertThat(vm.totalProperty().get()).isEqualTo(WatchViewModel.MAX_EVENTS + 10);
    }

    /** A scheduler the test drives: it records each delay and runs the tasks when told. */
    static final class ManualScheduler implements WatchViewModel.Scheduler {
        final List<Duration> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();
        final List<Boolean> cancelled = new ArrayList<>();

        @Override
        public Runnable schedule(Duration delay, Runnable task) {
            int i = tasks.size();
            delays.add(delay);
            tasks.add(task);
            cancelled.add(false);
            return () -> cancelled.set(i, true);
        }

        void runLast() {
            tasks.getLast().run();
        }
    }

    static final ZoneId UTC = ZoneId.of("UTC");

    static Instant at(String hms) {
        return Instant.parse("2026-11-23T" + hms + "Z");
    }

    static WatchState.Ended dropped(String why) {
        return new WatchState.Ended(Instant.now(), new SandtableException(ErrorCode.UNAVAILABLE, why));
    }

    private static FsEvent ev(String hms, String path) {
        return new FsEvent(at(hms), FsEvent.FsEventType.CREATE, path, null);
    }

    /** A view model on a fake backend and a hand-run scheduler, its watch started and live since 12:00:00. */
    record Live(Watches w, ManualScheduler timer, WatchViewModel vm) {
        static Live started() {
            Watches w = new Watches();
            ManualScheduler timer = new ManualScheduler();
            WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run, timer, UTC);
            vm.start();
            w.last().onState(new WatchState.Started(at("12:00:00"), Duration.ofMillis(3)));
            return new Live(w, timer, vm);
        }
    }

    @Test
    void aDroppedStreamIsWatchedAgainWithBackoffAndTheGapIsMarked() {
        Watches w = new Watches();
        ManualScheduler timer = new ManualScheduler();
        WatchViewModel vm = new WatchViewModel(w.backend, "sbx1", Runnable::run, timer, UTC);
        vm.pathProperty().set("/data");
        vm.start();
        WatchListener first = w.last();
        first.onState(new WatchState.Started(at("12:00:00"), Duration.ofMillis(3)));
        first.onEvent(ev("12:00:01", "before.txt"));

        first.onState(dropped("the stream was cut"));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.RECONNECTING);
        assertThat(vm.statusTextProperty().get()).startsWith("Reconnecting, attempt 1 of 10").contains("the stream was cut");
        assertThat(timer.delays).containsExactly(Duration.ofMillis(500));
        assertThat(w.requests).hasSize(1);
        first.onEvent(ev("12:00:02", "from-the-dead-stream"));
        assertThat(vm.events()).extracting(WatchRow::path).containsExactly("before.txt");

        timer.runLast();
        assertThat(w.requests).hasSize(2).allMatch(r -> r.equals(new WatchRequest("/data", true)));
        w.last().onState(dropped("unreachable"));
        assertThat(vm.statusTextProperty().get()).startsWith("Reconnecting, attempt 2 of 10").contains("unreachable");
        assertThat(timer.delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));

        timer.runLast();
        WatchListener third = w.last();
        third.onState(new WatchState.Started(at("12:00:07"), Duration.ofMillis(4)));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.LIVE);
        assertThat(vm.statusTextProperty().get()).contains("reconnected");
        assertThat(vm.attempt()).isZero();
        third.onEvent(ev("12:00:08", "after.txt"));
        assertThat(vm.events()).extracting(WatchRow::path).containsExactly("before.txt",
                "events between 12:00:01 and 12:00:07 may be missing", "after.txt");
        assertThat(vm.events().get(1)).isInstanceOf(WatchRow.Gap.class);
        assertThat(vm.totalProperty().get()).as("the gap mark is not an event").isEqualTo(2);
        vm.filterProperty().set("after");
        assertThat(vm.visible()).extracting(WatchRow::path).as("the gap mark shows whatever the filter")
                .containsExactly("events between 12:00:01 and 12:00:07 may be missing", "after.txt");

        // a second drop later: a fresh count of attempts, the gap from the last thing heard
        third.onState(new WatchState.Keepalive(at("12:00:30")));
        third.onState(dropped("proxy closed it"));
        assertThat(vm.statusTextProperty().get()).startsWith("Reconnecting, attempt 1 of 10");
        timer.runLast();
        w.last().onState(new WatchState.Started(at("12:00:31"), Duration.ofMillis(2)));
        assertThat(vm.events().getLast().path()).isEqualTo("events between 12:00:30 and 12:00:31 may be missing");
    }

    @Test
    void stopCancelsAPendingReconnect() {
        Live live = Live.started();
        Watches w = live.w();
        ManualScheduler timer = live.timer();
        WatchViewModel vm = live.vm();
        w.last().onState(dropped("cut"));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.RECONNECTING);
        vm.stop();
        assertThat(timer.cancelled).containsExactly(true);
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.ENDED);
        assertThat(vm.statusTextProperty().get()).isEqualTo("Stopped");
        timer.runLast(); // a timer that fired anyway, racing the cancel
        assertThat(w.requests).hasSize(1);
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.ENDED);
    }

    @Test
    void errorsAnotherAttemptCannotFixAndCleanEndsAreNotRetried() {
        Live live = Live.started();
        Watches w = live.w();
        ManualScheduler timer = live.timer();
        WatchViewModel vm = live.vm();
        w.last().onState(new WatchState.Ended(Instant.now(), new SandtableException(ErrorCode.NOT_FOUND, "no such directory")));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.FAILED);
        assertThat(vm.statusTextProperty().get()).isEqualTo("Ended: no such directory");

        vm.start();
        w.last().onState(dropped("cannot reach the sandbox")); // before it was ever live: the user sees why at once
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.FAILED);

        vm.start();
        w.last().onState(new WatchState.Started(at("12:00:00"), Duration.ofMillis(3)));
        w.last().onState(new WatchState.Ended(Instant.now(), null));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.ENDED);
        assertThat(timer.tasks).isEmpty();
        assertThat(w.requests).hasSize(3);
    }

    @Test
    void givesUpAfterTheLastAttemptWithBackoffGrowingToItsCap() {
        Live live = Live.started();
        Watches w = live.w();
        ManualScheduler timer = live.timer();
        WatchViewModel vm = live.vm();
        w.last().onState(dropped("cut"));
        for (int i = 0; i < WatchViewModel.MAX_ATTEMPTS; i++) {
            timer.runLast();
            w.last().onState(dropped("still down"));
        }
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.FAILED);
        assertThat(vm.statusTextProperty().get()).contains("still down", "gave up after 10 reconnect attempts");
        assertThat(timer.delays).extracting(Duration::toMillis)
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 10000L, 10000L, 10000L, 10000L, 10000L);
        assertThat(w.requests).hasSize(1 + WatchViewModel.MAX_ATTEMPTS);
    }
}
