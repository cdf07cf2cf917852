package dev.sandtable.helper;

import dev.sandtable.spi.SandtableException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The helper's device list, kept current for a view: polls LIST on a connection of its own every {@code interval},
 * reconnects after the helper restarts, and tells the listener only what changed. The listener runs on the watch's
 * thread (a JavaFX view model hands the update to its pump; it must not block).
 */
public final class HelperDeviceWatch implements AutoCloseable {
    /** What the listener hears. */
    public sealed interface Update {
        record Devices(List<AttachedDevice> devices) implements Update {
            public Devices {
                devices = List.copyOf(devices);
            }
        }

        record Unavailable(String reason) implements Update {
        }
    }

    private final Path socket;
    private final Consumer<Update> listener;
    private final ScheduledExecutorService timer;
    private HelperClient client;
    private Update last;

    private HelperDeviceWatch(Path socket, Consumer<Update> listener) {
        this.socket = socket;
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "helper-device-watch");
            t.setDaemon(true);
            return t;
        });
    }

    public static HelperDeviceWatch start(Path socket, Duration interval, Consumer<Update> listener) {
        HelperDeviceWatch w = new HelperDeviceWatch(Objects.requireNonNull(socket), Objects.requireNonNull(listener));
        w.timer.scheduleWithFixedDelay(w::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return w;
    }

    private void poll() {
        Update now;
        try {
            if (client == null) client = HelperClient.connect(socket);
            now = new Update.Devices(client.list().join());
        } catch (RuntimeException e) {
            if (client != null) client.close();
            client = null;
            now = new Update.Unavailable(SandtableException.of(e).getMessage());
        }
        if (!now.equals(last)) {
            last = now;
            try {
                listener.accept(now);
            } catch (RuntimeException e) {
                System.getLogger(HelperDeviceWatch.class.getName()).log(System.Logger.Level.WARNING, "device watch listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (client != null) client.close();
    }
}
