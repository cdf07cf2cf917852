package dev.sandtable.app;

import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectingBackendTest {
    private static final BackendInfo PLACEHOLDER = new BackendInfo("local", "Local", BackendKind.LOCAL, "/state");

    @Test
    void saysConnectingAtOnceThenCarriesTheRealBackendAndRunsWhatWasAskedMeanwhile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SyntheticBackend real = new SyntheticBackend("local", "Synthetic (in memory)", java.time.Clock.systemUTC());
        ConnectingBackend b = ConnectingBackend.start(PLACEHOLDER, "starting the service", () -> {
            await(release);
            return real;
        });
        try {
            List<BackendEvent> events = new CopyOnWriteArrayList<>();
            b.watch(events::add);
            assertThat(events).containsExactly(new BackendEvent.Connection(ConnectionState.CONNECTING, "starting the service"));
            assertThat(b.info()).isEqualTo(PLACEHOLDER);
            CompletableFuture<?> created = b.create(CreateSandboxRequest.fromTemplate("early", null));
            assertThat(created).isNotDone();

            release.countDown();
            assertThat(created.get(10, TimeUnit.SECONDS)).isNotNull();
            waitFor(() -> events.stream().anyMatch(e -> e instanceof BackendEvent.Synced));
            assertThat(b.info().displayName()).isEqualTo("Synthetic (in memory)");
            assertThat(b.info().id()).isEqualTo(PLACEHOLDER.id());
        } finally {
            b.close();
        }
    }

    @Test
    void aFailedConnectShowsAsDisconnectedWithTheReasonAndOperationsFailWithIt() {
        ConnectingBackend b = ConnectingBackend.start(PLACEHOLDER, "starting the service", () -> {
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the Sandtable service failed to start; see service.log");
        });
        List<BackendEvent> events = new CopyOnWriteArrayList<>();
        b.watch(events::add);
        waitFor(() -> events.size() == 2 || (events.size() == 1 && events.getFirst() instanceof BackendEvent.Connection c
                && c.state() == ConnectionState.DISCONNECTED));
        assertThat(events.getLast()).isEqualTo(new BackendEvent.Connection(ConnectionState.DISCONNECTED,
                "the Sandtable service failed to start; see service.log"));
        assertThat(b.pause("x")).failsWithin(java.time.Duration.ofSeconds(5));
        b.close();
    }

    @Test
    void closingBeforeTheConnectArrivesClosesTheBackendWhenItDoes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        dev.sandtable.spi.Backend real = (dev.sandtable.spi.Backend) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{dev.sandtable.spi.Backend.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) closed.set(true);
                    return null;
                });
        ConnectingBackend b = ConnectingBackend.start(PLACEHOLDER, "starting", () -> {
            await(release);
            return real;
        });
        b.close();
        release.countDown();
        b.target().get(10, TimeUnit.SECONDS);
        waitFor(closed::get);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
