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
        w.last().onState(new WatchState.Ended(Instant.now(), new SandtableException(ErrorCode.UNAVAILABLE, "stream dropped")));
        assertThat(vm.statusProperty().get()).isEqualTo(WatchViewModel.Status.FAILED);
        assertThat(vm.statusTextProperty().get()).contains("stream dropped");
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
        assertThat(vm.visible()).extracting(FsEvent::path).containsExactly("src/Main.java", "src/Main.java");
        vm.typeFilterProperty().set(FsEvent.FsEventType.WRITE);
        assertThat(vm.visible()).extracting(FsEvent::type).containsExactly(FsEvent.FsEventType.WRITE);
        vm.filterProperty().set("");
        assertThat(vm.visible()).extracting(FsEvent::path).containsExactly("src/Main.java", "README.md");
        l.onEvent(ev(FsEvent.FsEventType.WRITE, "later"));
        assertThat(vm.visible()).extracting(FsEvent::path).endsWith("later");
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
        assertThat(vm.events()).extracting(FsEvent::path).containsExactly("fresh");
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
}
