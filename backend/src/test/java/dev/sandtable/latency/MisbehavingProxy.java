package dev.sandtable.latency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reverse proxy that passes unary calls through but mistreats Connect streams (requests of content type
 * {@code application/connect+json}): it holds them forever (a stream that never starts) or cuts them a fixed time
 * after they began (a proxy that closes streams early). One request per connection ({@code Connection: close}).
 */
final class MisbehavingProxy implements AutoCloseable {
    enum Mode { HOLD_STREAMS, CUT_STREAMS }

    private final ServerSocket server;
    private final URI upstream;
    private final Mode mode;
    private final long cutAfterMs;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    MisbehavingProxy(String upstream, Mode mode, long cutAfterMs) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstream = URI.create(upstream);
        this.mode = mode;
        this.cutAfterMs = cutAfterMs;
        Thread.ofVirtual().start(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                open.add(c);
                Thread.ofVirtual().start(() -> handle(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client; Socket up = new Socket()) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) return;
            boolean stream = head.toLowerCase(Locale.ROOT).contains("application/connect+json");
            if (stream && mode == Mode.HOLD_STREAMS) {
                while (in.read() >= 0) {
                    // swallow the body, answer nothing, until the client gives up
                }
                return;
            }
            up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()));
            open.add(up);
            String rewritten = head.replaceAll("(?im)^connection:.*\r\n", "").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
            OutputStream upOut = up.getOutputStream();
            upOut.write(rewritten.getBytes(StandardCharsets.ISO_8859_1));
            upOut.flush();
            Thread.ofVirtual().start(() -> pump(in, upOut));
            if (stream) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(cutAfterMs);
                        client.close();
                        up.close();
                    } catch (InterruptedException | IOException ignored) {
                        // closing is the point
                    }
                });
            }
            InputStream upIn = up.getInputStream();
            String resHead = readHead(upIn);
            if (resHead == null) return;
            OutputStream out = client.getOutputStream();
            out.write(resHead.replaceAll("(?im)^connection:.*\r\n", "").replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            pump(upIn, out);
        } catch (IOException ignored) {
            // a cut connection
        } finally {
            open.remove(client);
        }
    }

    private static void pump(InputStream in, OutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c, state = 0;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) return b.toString(StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) s.close();
    }
}
