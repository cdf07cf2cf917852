package dev.sandtable.service;

import com.sun.net.httpserver.HttpExchange;
import dev.sandtable.json.Json;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.Subscription;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code GET /sandtable/v1/events}: each client gets its own backend subscription feeding a bounded queue, drained
 * by the client's request thread. The backend only ever offers to a queue, so a slow client cannot block it; a
 * client whose queue overflows is dropped (its stream ends) and resyncs when it reconnects.
 */
final class EventStreams {
    private static final byte[] KEEPALIVE = (Api.KEEPALIVE_LINE + "\n").getBytes(StandardCharsets.UTF_8);

    private final Backend backend;
    private final Duration keepAlive;
    private final int capacity;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EventStreams(Backend backend, Duration keepAlive, int capacity) {
        this.backend = backend;
        this.keepAlive = keepAlive;
        this.capacity = capacity;
    }

    /** Streams events to one client until it goes away, overflows or the service stops. */
    void serve(HttpExchange exchange) throws IOException {
        Client client = new Client(capacity);
        clients.add(client);
        try {
            if (closed) client.end();
            exchange.getResponseHeaders().set("Content-Type", Api.NDJSON);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set(Api.KEEPALIVE_HEADER, Long.toString(keepAlive.toMillis()));
            exchange.sendResponseHeaders(200, 0);
            client.attach(backend.watch(client));
            try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
                client.pump(out, keepAlive);
            } catch (IOException e) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            client.end();
            clients.remove(client);
        }
    }

    int clientCount() {
        return clients.size();
    }

    /** Ends every stream (the service is stopping); clients see the end and reconnect. */
    void closeAll() {
        closed = true;
        clients.forEach(Client::end);
    }

    private static final class Client implements Consumer<BackendEvent> {
        private static final Object END = new Object();
        private final int capacity;
        /** One slot more than {@code capacity}, so that END always fits. */
        private final BlockingQueue<Object> queue;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Subscription subscription;

        Client(int capacity) {
            this.capacity = capacity;
            this.queue = new ArrayBlockingQueue<>(capacity + 1);
        }

        @Override
        public void accept(BackendEvent event) {
            if (ended.get()) return;
            if (queue.size() >= capacity || !queue.offer(event)) end();
        }

        void attach(Subscription s) {
            subscription = s;
            if (ended.get()) s.close();
        }

        /** Stops the stream: drops what is queued, so the client resyncs rather than reads a stale tail. */
        void end() {
            if (!ended.compareAndSet(false, true)) return;
            queue.clear();
            while (!queue.offer(END)) queue.poll();
            Subscription s = subscription;
            // closed on another thread: end() may run inside the backend's own event delivery
            if (s != null) Thread.startVirtualThread(s::close);
        }

        void pump(OutputStream out, Duration keepAlive) throws IOException, InterruptedException {
            while (true) {
                Object item = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (item == null) {
                    out.write(KEEPALIVE);
                    out.flush();
                    continue;
                }
                for (; item != null; item = queue.poll()) {
                    if (item == END) {
                        out.flush();
                        return;
                    }
                    out.write(Json.mapper().writeValueAsBytes(item));
                    out.write('\n');
                }
                out.flush();
            }
        }
    }
}
