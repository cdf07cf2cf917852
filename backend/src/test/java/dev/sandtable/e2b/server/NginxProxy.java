package dev.sandtable.e2b.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx in front of the service, the way CubeProxy puts one in front of envd: HTTP/1.1 to the upstream,
 * response buffering and gzip off for the three envd server streams only (envd-protocol.md §6.4). Started from a
 * generated config in a temporary folder, listening on a free loopback port, stopped by {@link #close()}.
 * {@link Options} adds a TLS listener and CubeProxy's own buffering settings (the latency lab's reproduction).
 */
public final class NginxProxy implements AutoCloseable {
    /** The envd server-streaming endpoints, as in CubeProxy's fix. */
    static final String STREAMING_LOCATION = "^/(?:process\\.Process/(?:Start|Connect)|filesystem\\.Filesystem/WatchDir)$";
    /** execd's SSE routes (OpenSandbox), under any prefix such as the test server's {@code /sandboxes/{id}/port/44772}. */
    public static final String EXECD_STREAMING_LOCATION = "/(?:command|code|session/[^/]+/run)$";

    private final Process process;
    private final Path dir;
    private final int port;
    private final boolean tls;

    private NginxProxy(Process process, Path dir, int port, boolean tls) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.tls = tls;
    }

    /**
     * @param unbufferedStreams buffering and gzip off for the three envd streaming locations (CubeProxy's fix)
     * @param cubeProxy         CubeProxy's http-block settings before the fix: {@code proxy_buffering on} with its buffer
     *                          sizes, {@code output_buffers 16 64k}, {@code postpone_output 1460}, gzip for JSON; and
     *                          {@code proxy_ignore_headers X-Accel-Buffering}, since Sandtable's envd sends
     *                          {@code X-Accel-Buffering: no} where upstream envd sends nothing
     * @param certificate       PEM certificate and key for a TLS listener ({@code ssl}); null for plain HTTP
     */
    public record Options(boolean unbufferedStreams, boolean cubeProxy, Path certificate, Path key) {
        public static Options fixed() {
            return new Options(true, false, null, null);
        }

        public Options withTls(Path certificate, Path key) {
            return new Options(unbufferedStreams, cubeProxy, certificate, key);
        }
    }

    /** The nginx binary, if installed (on PATH or in /usr/sbin, where Debian puts it). */
    public static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/local/sbin";
        return Stream.of(path.split(":")).filter(p -> !p.isEmpty()).map(p -> Path.of(p, "nginx"))
                .filter(Files::isExecutable).findFirst();
    }

    public static String missingMessage() {
        return "nginx is not installed (Debian: apt-get install nginx); skipping the measurements through nginx";
    }

    /** Starts nginx in {@code dir} proxying to {@code upstream} (http://127.0.0.1:port), streams unbuffered. */
    static NginxProxy start(Path dir, String upstream) throws IOException {
        return start(dir, upstream, true);
    }

    /** @param unbufferedStreams false keeps nginx's default buffering on the streams too (the configuration before the fix) */
    static NginxProxy start(Path dir, String upstream, boolean unbufferedStreams) throws IOException {
        return start(dir, upstream, new Options(unbufferedStreams, false, null, null));
    }

    public static NginxProxy start(Path dir, String upstream, Options options) throws IOException {
        return start(dir, upstream, options, STREAMING_LOCATION);
    }

    /** @param streamingLocation the regex of the locations the fix unbuffers (envd's by default) */
    public static NginxProxy start(Path dir, String upstream, Options options, String streamingLocation) throws IOException {
        Path nginx = binary().orElseThrow(() -> new IllegalStateException(missingMessage()));
        URI up = URI.create(upstream);
        int port = freePort();
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), config(dir, up.getHost() + ":" + up.getPort(), port, options, streamingLocation));
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        NginxProxy proxy = new NginxProxy(p, dir, port, options.certificate() != null);
        try {
            proxy.awaitListening();
        } catch (RuntimeException | IOException e) {
            proxy.close();
            throw e;
        }
        return proxy;
    }

    public String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    /** The generated nginx.conf, for the docs and for failure messages. */
    public String configText() throws IOException {
        return Files.readString(dir.resolve("nginx.conf"));
    }

    static String config(Path dir, String upstream, int port, Options o) {
        return config(dir, upstream, port, o, STREAMING_LOCATION);
    }

    static String config(Path dir, String upstream, int port, Options o, String streamingLocation) {
        String common = """
                            proxy_pass http://sandtable;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $http_host;
                """;
        // as root, nginx would run its worker as nobody, who cannot use the temporary folder
        String user = System.getProperty("user.name").equals("root") ? "user root;\n" : "";
        String cube = o.cubeProxy() ? """
                    proxy_buffering on;
                    proxy_buffer_size 16k;
                    proxy_buffers 8 64k;
                    proxy_busy_buffers_size 128k;
                    output_buffers 16 64k;
                    postpone_output 1460;
                    proxy_ignore_headers X-Accel-Buffering;
                    gzip on;
                    gzip_proxied any;
                    gzip_min_length 1000;
                    gzip_types application/json application/connect+json;
                """ : "";
        String listen = o.certificate() == null ? "listen 127.0.0.1:" + port + ";"
                : "listen 127.0.0.1:" + port + " ssl;\n        ssl_certificate " + o.certificate() + ";\n        ssl_certificate_key " + o.key() + ";";
        String streams = o.unbufferedStreams() || !o.cubeProxy() ? """
                        location ~ %s {
                %s
                            proxy_buffering %s;
                            proxy_request_buffering %s;
                            gzip off;
                            proxy_read_timeout 7206s;
                            proxy_send_timeout 7206s;
                        }
                """.formatted(streamingLocation, common, o.unbufferedStreams() ? "off" : "on", o.unbufferedStreams() ? "off" : "on") : "";
        // execd's PTY is a WebSocket: passed through as any proxy in front of execd must (nginx never buffers its frames)
        if (streamingLocation.equals(EXECD_STREAMING_LOCATION)) streams += """
                        location ~ /pty/[^/]+/ws$ {
                            proxy_pass http://sandtable;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection "upgrade";
                            proxy_set_header Host $http_host;
                            proxy_read_timeout 7206s;
                        }
                """;
        return user + """
                worker_processes 1;
                error_log %1$s/logs/error.log warn;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    client_max_body_size 64m;
                    upstream sandtable {
                        server %2$s;
                        keepalive 16;
                    }
                %4$s    server {
                        %3$s
                %6$s        location / {
                %5$s
                        }
                    }
                }
                """.formatted(dir, upstream, listen, cube, common, streams);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("nginx exited with " + process.exitValue() + ": " + logs());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("nginx did not listen within 15 s: " + logs());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("logs/stdout.log", "logs/error.log")) {
            try {
                Path f = dir.resolve(name);
                if (Files.exists(f)) sb.append(name).append(": ").append(Files.readString(f)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    /** Stops nginx and its worker (TERM to the master, which takes the worker down; KILL after a grace). */
    @Override
    public void close() {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }
}
