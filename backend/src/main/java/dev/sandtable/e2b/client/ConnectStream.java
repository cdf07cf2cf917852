package dev.sandtable.e2b.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running server-streaming call: a virtual thread reads the body, cuts it into frames and hands the messages
 * to the listener. It ends with the end-of-stream frame, a protocol error, a dropped connection, silence longer
 * than {@link StreamOptions#silenceLimit()}, the deadline, or {@link #cancel()}.
 */
public final class ConnectStream implements AutoCloseable {
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "connect-stream-timers");
        t.setDaemon(true);
        return t;
    });

    private final ConnectClient client;
    private final String method;
    private final StreamOptions options;
    private final StreamListener listener;
    private final EnvelopeDecoder decoder;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile InputStream body;
    private volatile CompletableFuture<HttpResponse<InputStream>> pending;
    private volatile long lastFrameNanos = System.nanoTime();
    private volatile ScheduledFuture<?> watchdog;
    private volatile ScheduledFuture<?> deadline;

    ConnectStream(ConnectClient client, String method, StreamOptions options, StreamListener listener, EnvelopeDecoder decoder) {
        this.client = client;
        this.method = method;
        this.options = options;
        this.listener = listener;
        this.decoder = decoder;
    }

    void start(CompletableFuture<HttpResponse<InputStream>> response) {
        pending = response;
        Duration limit = options.clientDeadline();
        if (limit != null) {
            deadline = TIMERS.schedule(() -> fail(new ConnectRpcException("deadline_exceeded", client.what() + ": " + method
                    + " reached its " + limit.toMillis() + " ms deadline")), limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        Duration silence = options.silenceLimit();
        if (silence != null) {
            long period = Math.max(50, silence.toMillis() / 4);
            watchdog = TIMERS.scheduleAtFixedRate(() -> {
                long quiet = System.nanoTime() - lastFrameNanos;
                if (quiet > silence.toNanos())
                    fail(new ConnectRpcException("unavailable", client.what() + ": " + method + " sent nothing for "
                            + TimeUnit.NANOSECONDS.toMillis(quiet) / 1000.0 + " s (keepalives were due every "
                            + options.keepaliveSeconds() + " s); the connection is presumed dropped"));
            }, period, period, TimeUnit.MILLISECONDS);
        }
        response.whenComplete((res, failure) -> {
            if (failure != null) {
                fail(client.transportError(method, failure));
                return;
            }
            listener.onResponse(res.statusCode(), res.headers());
            if (res.statusCode() != 200) {
                fail(client.httpError(method, res.statusCode(), ConnectClient.readAll(res.body())));
                return;
            }
            String type = res.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith("application/connect+json")) {
                ConnectClient.readAll(res.body());
                fail(new ConnectRpcException("internal", client.what() + " answered " + method + " with content type '" + type
                        + "', not application/connect+json: is this an envd endpoint?"));
                return;
            }
            if (res.headers().firstValue("Connect-Content-Encoding").filter(e -> !e.equalsIgnoreCase("identity")).isPresent()
                    || res.headers().firstValue("Content-Encoding").filter(e -> !e.equalsIgnoreCase("identity")).isPresent()) {
                ConnectClient.readAll(res.body());
                fail(new ConnectRpcException("internal", client.what() + " compressed the " + method
                        + " stream; a proxy in front of it must not compress streams"));
                return;
            }
            body = res.body();
            if (cancelled) closeBody();
            else Thread.ofVirtual().name("connect-" + method).start(this::read);
        });
    }

    private void read() {
        byte[] buf = new byte[16 << 10];
        InputStream in = body;
        try {
            while (!finished.get()) {
                int n = in.read(buf);
                if (n < 0) {
                    fail(new ConnectRpcException("unavailable", client.what() + ": the " + method + " stream was cut "
                            + (decoder.hasPartialFrame() ? "inside " + decoder.partialDescription() : "before its end-of-stream frame")
                            + "; the connection dropped"));
                    return;
                }
                lastFrameNanos = System.nanoTime();
                List<Envelope> frames;
                try {
                    frames = decoder.feed(buf, 0, n);
                } catch (EnvelopeDecoder.FrameException e) {
                    fail(new ConnectRpcException("internal", client.what() + " sent a malformed " + method + " frame: " + e.getMessage(), e));
                    return;
                }
                for (Envelope f : frames) {
                    if (!deliver(f)) return;
                }
            }
        } catch (IOException e) {
            fail(new ConnectRpcException("unavailable", client.what() + ": the " + method + " stream dropped ("
                    + ConnectClient.describe(e) + ")", e));
        }
    }

    /** Returns false once the stream has finished. */
    private boolean deliver(Envelope f) {
        if (f.isCompressed()) {
            fail(new ConnectRpcException("internal", client.what() + " sent a compressed " + method
                    + " frame, which this client never asked for"));
            return false;
        }
        if (f.isEndStream()) {
            finish(client.endStreamError(method, f.payload()));
            return false;
        }
        JsonNode msg;
        try {
            msg = ConnectClient.JSON.readTree(f.payload());
        } catch (IOException e) {
            fail(new ConnectRpcException("internal", client.what() + " sent a " + method + " message that is not JSON: "
                    + ConnectClient.describe(e), e));
            return false;
        }
        if (finished.get()) return false;
        listener.onMessage(msg);
        return true;
    }

    private void fail(ConnectRpcException e) {
        finish(e);
    }

    private void finish(ConnectRpcException error) {
        if (!finished.compareAndSet(false, true)) return;
        stopTimers();
        closeBody();
        if (!cancelled) listener.onEnd(error);
    }

    private void stopTimers() {
        if (watchdog != null) watchdog.cancel(false);
        if (deadline != null) deadline.cancel(false);
    }

    private void closeBody() {
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing a dropped stream
            }
        }
        CompletableFuture<?> p = pending;
        if (p != null && !p.isDone()) p.cancel(true);
    }

    /** True until the stream ended or was cancelled. */
    public boolean isOpen() {
        return !finished.get();
    }

    /** Ends the call from this side; the listener hears nothing more. */
    public void cancel() {
        cancelled = true;
        finish(null);
        closeBody();
    }

    @Override
    public void close() {
        cancel();
    }
}
