package dev.sandtable.service;

import dev.sandtable.json.Json;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One live view through the service: reads the NDJSON event stream on a virtual thread and delivers the events in
 * order. When the stream drops it reports {@code RECONNECTING}, retries with backoff (finding the service again
 * through the locator), and on success reports {@code CONNECTED}, after which the service sends a fresh Synced.
 * A stream that stays silent for three keepalive intervals is treated as dropped.
 */
final class ServiceWatch implements Subscription {
    private static final long DEFAULT_KEEPALIVE_MILLIS = 15_000;

    private final ServiceClient client;
    private final Consumer<BackendEvent> listener;
    private final Consumer<ServiceWatch> onClose;
    private volatile boolean closed;
    private volatile InputStream current;
    private volatile long lastLineNanos;
    private volatile long keepAliveMillis = DEFAULT_KEEPALIVE_MILLIS;
    private Thread reader;
    private Thread watchdog;

    ServiceWatch(ServiceClient client, Consumer<BackendEvent> listener, Consumer<ServiceWatch> onClose) {
        this.client = client;
        this.listener = listener;
        this.onClose = onClose;
    }

    synchronized void start() {
        reader = Thread.ofVirtual().name("sandtable-watch").start(this::run);
        watchdog = Thread.ofVirtual().name("sandtable-watch-dog").start(this::guard);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        closeCurrent();
        synchronized (this) {
            if (reader != null) reader.interrupt();
            if (watchdog != null) watchdog.interrupt();
        }
        onClose.accept(this);
    }

    private void run() {
        ServiceClient.Timeouts t = client.timeouts();
        boolean down = false;
        Duration backoff = t.reconnectMin();
        while (!closed) {
            String why;
            ServiceInfo ep = client.endpoint();
            try {
                if (down) ep = client.locate();
                HttpRequest request = client.request(ep, Api.PREFIX + "/events", t.quick()).GET().build();
                HttpResponse<InputStream> response = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    byte[] body;
                    try (InputStream in = response.body()) {
                        body = in.readAllBytes();
                    }
                    why = ServiceClient.errorOf(response.statusCode(), body).getMessage();
                } else {
                    keepAliveMillis = response.headers().firstValueAsLong(Api.KEEPALIVE_HEADER).orElse(DEFAULT_KEEPALIVE_MILLIS);
                    if (down) {
                        deliver(new BackendEvent.Connection(ConnectionState.CONNECTED, null));
                        down = false;
                    }
                    backoff = t.reconnectMin();
                    read(response.body());
                    why = "the Sandtable service ended the event stream";
                }
            } catch (SandtableException e) {
                why = e.getMessage();
            } catch (IOException e) {
                why = ServiceClient.unreachable(ep, e, t.quick()).getMessage();
            } catch (InterruptedException e) {
                why = "interrupted";
            } finally {
                closeCurrent();
            }
            if (closed) break;
            Thread.interrupted();
            if (!down) {
                deliver(new BackendEvent.Connection(ConnectionState.RECONNECTING, why));
                down = true;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                if (closed) break;
            }
            backoff = backoff.multipliedBy(2).compareTo(t.reconnectMax()) > 0 ? t.reconnectMax() : backoff.multipliedBy(2);
        }
    }

    private void read(InputStream body) throws IOException {
        current = body;
        lastLineNanos = System.nanoTime();
        if (closed) return;
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String line;
        while (!closed && (line = lines.readLine()) != null) {
            lastLineNanos = System.nanoTime();
            if (line.isBlank() || line.equals(Api.KEEPALIVE_LINE)) continue;
            BackendEvent event;
            try {
                event = Json.mapper().readValue(line, BackendEvent.class);
            } catch (IOException e) {
                continue; // an event this version does not know
            }
            deliver(event);
        }
    }

    /** Drops a stream that stays silent for three keepalive intervals (a hung service, a lost connection). */
    private void guard() {
        while (!closed) {
            try {
                Thread.sleep(Math.clamp(keepAliveMillis / 2, 50, 1000));
            } catch (InterruptedException e) {
                return;
            }
            InputStream in = current;
            long silentMillis = (System.nanoTime() - lastLineNanos) / 1_000_000;
            if (in != null && silentMillis > 3 * keepAliveMillis + 1000) {
                closeCurrent();
                synchronized (this) {
                    reader.interrupt();
                }
            }
        }
    }

    private void closeCurrent() {
        InputStream in = current;
        current = null;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // it is going away anyway
            }
        }
    }

    private void deliver(BackendEvent event) {
        if (closed) return;
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            System.err.println("sandtable: an event listener failed: " + e);
        }
    }
}
