package dev.sandtable.latency;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** An endpoint to probe: a name and how to reach the sandbox's agent (envd or execd). */
public sealed interface ProbeTarget permits ProbeTarget.Envd, ProbeTarget.Execd {
    String label();

    Protocol protocol();

    static ProbeTarget envd(String label, E2bConfig config) {
        return new Envd(label, config);
    }

    /** An E2B-compatible platform and its envd. */
    record Envd(String label, E2bConfig config) implements ProbeTarget {
        @Override
        public Protocol protocol() {
            return Protocol.ENVD;
        }
    }

    /**
     * An OpenSandbox sandbox's execd.
     *
     * @param server        the lifecycle server: it gives execd's address and headers ({@code GET /sandboxes/{id}/endpoints/44772})
     *                      and creates the temporary sandbox; null when {@code execdUrl} reaches execd directly
     * @param execdUrl      execd's base URL (e.g. through a proxy); null: the address the server gives
     * @param headers       sent with every execd call, over the server's (e.g. {@code X-EXECD-ACCESS-TOKEN})
     * @param caCert        extra CA certificates (PEM) trusted for execd over HTTPS; null for the JDK's only
     * @param watchInterval the polling interval of the directory-watch fallback (execd has no watch)
     */
    record Execd(String label, OpenSandboxConfig server, URI execdUrl, Map<String, String> headers, Path caCert,
                 Duration watchInterval) implements ProbeTarget {
        /** The window's directory-watch interval ({@code OpenSandboxBackend.DEFAULT_WATCH_INTERVAL}). */
        public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(1);

        public Execd {
            if (server == null && execdUrl == null)
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "an execd target needs the OpenSandbox server or execd's URL");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            watchInterval = watchInterval == null ? DEFAULT_WATCH_INTERVAL : watchInterval;
        }

        @Override
        public Protocol protocol() {
            return Protocol.EXECD;
        }

        /** The same execd through another base URL (A/B through a proxy), with the same headers. */
        public Execd through(String otherLabel, URI url) {
            return new Execd(otherLabel, server, url, headers, caCert, watchInterval);
        }

        public Execd withWatchInterval(Duration d) {
            return new Execd(label, server, execdUrl, headers, caCert, d);
        }
    }
}
