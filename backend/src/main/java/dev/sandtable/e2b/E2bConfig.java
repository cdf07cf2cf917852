package dev.sandtable.e2b;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where an E2B-compatible platform is and how its sandboxes' envd is reached.
 *
 * @param apiUrl       the control plane, e.g. https://api.e2b.app or http://127.0.0.1:3000
 * @param apiKey       sent as X-API-Key
 * @param domain       the sandbox domain for host routing (a sandbox's own domain, when the API gives one, wins)
 * @param routing      how envd of one sandbox is addressed
 * @param routingBase  PATH: the proxy's base URL; SANDBOX_URL: the one envd URL for every sandbox; HOST: unused
 * @param pollInterval how often the sandbox list is fetched for the live view
 * @param user         the sandbox user envd runs terminals as (sent as Basic auth); null for envd's default
 * @param caCert       a PEM file of extra CA certificates trusted for HTTPS besides the JDK's (SSL_CERT_FILE); null for none
 */
public record E2bConfig(URI apiUrl, String apiKey, String domain, Routing routing, URI routingBase, Duration pollInterval, String user,
                        Path caCert) {
    public static final int ENVD_PORT = 49983;

    public enum Routing {
        /** {@code https://49983-<id>.<domain>}: E2B cloud, self-hosted E2B, CubeProxy host mode. */
        HOST,
        /** {@code <base>/sandbox/<id>/49983}: CubeProxy path mode. */
        PATH,
        /** One base URL for all sandboxes, routed by the {@code E2b-Sandbox-Id} header (E2B_SANDBOX_URL). */
        SANDBOX_URL
    }

    public E2bConfig {
        if (apiUrl == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the E2B API URL is missing: set E2B_API_URL");
        if (apiKey == null || apiKey.isBlank())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the E2B API key is missing: set E2B_API_KEY");
        domain = domain == null || domain.isBlank() ? "e2b.app" : domain;
        routing = routing == null ? Routing.HOST : routing;
        if (routing != Routing.HOST && routingBase == null)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, routing + " routing needs a base URL");
        pollInterval = pollInterval == null ? Duration.ofSeconds(2) : pollInterval;
    }

    public E2bConfig(URI apiUrl, String apiKey, String domain, Routing routing, URI routingBase, Duration pollInterval, String user) {
        this(apiUrl, apiKey, domain, routing, routingBase, pollInterval, user, null);
    }

    /**
     * Reads E2B_API_URL, E2B_API_KEY, E2B_DOMAIN and E2B_SANDBOX_URL as the official SDK does: with a sandbox URL,
     * every sandbox is reached there (header routing); without one, by host name. Sandtable's own additions:
     * SANDTABLE_E2B_PROXY_URL selects CubeProxy's path routing ({@code <url>/sandbox/<id>/49983}),
     * SANDTABLE_E2B_POLL_MS the list interval, SANDTABLE_E2B_USER the envd user. SSL_CERT_FILE (OpenSSL's variable) names
     * extra CA certificates to trust.
     */
    public static E2bConfig fromEnvironment(Map<String, String> env) {
        String domain = blankToNull(env.get("E2B_DOMAIN"));
        String api = blankToNull(env.get("E2B_API_URL"));
        URI apiUrl = URI.create(api != null ? api : "https://api." + (domain == null ? "e2b.app" : domain));
        String sandboxUrl = blankToNull(env.get("E2B_SANDBOX_URL"));
        String proxyUrl = blankToNull(env.get("SANDTABLE_E2B_PROXY_URL"));
        Routing routing = proxyUrl != null ? Routing.PATH : sandboxUrl != null ? Routing.SANDBOX_URL : Routing.HOST;
        URI base = proxyUrl != null ? URI.create(proxyUrl) : sandboxUrl != null ? URI.create(sandboxUrl) : null;
        Duration poll = null;
        String pollMs = blankToNull(env.get("SANDTABLE_E2B_POLL_MS"));
        if (pollMs != null) {
            try {
                poll = Duration.ofMillis(Math.max(100, Long.parseLong(pollMs)));
            } catch (NumberFormatException e) {
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "SANDTABLE_E2B_POLL_MS must be a number of milliseconds, not '" + pollMs + "'");
            }
        }
        String ca = blankToNull(env.get("SSL_CERT_FILE"));
        return new E2bConfig(apiUrl, env.get("E2B_API_KEY"), domain, routing, base, poll, blankToNull(env.get("SANDTABLE_E2B_USER")),
                ca == null ? null : Path.of(ca));
    }

    public E2bConfig withRouting(Routing r, URI base) {
        return new E2bConfig(apiUrl, apiKey, domain, r, base, pollInterval, user, caCert);
    }

    public E2bConfig withPollInterval(Duration d) {
        return new E2bConfig(apiUrl, apiKey, domain, routing, routingBase, d, user, caCert);
    }

    public E2bConfig withUser(String u) {
        return new E2bConfig(apiUrl, apiKey, domain, routing, routingBase, pollInterval, u, caCert);
    }

    public E2bConfig withCaCert(Path pem) {
        return new E2bConfig(apiUrl, apiKey, domain, routing, routingBase, pollInterval, user, pem);
    }

    public E2bConfig withApiKey(String key) {
        return new E2bConfig(apiUrl, key, domain, routing, routingBase, pollInterval, user, caCert);
    }

    /** An HTTP/1.1 client for this platform: 5 s to connect, redirects followed, the extra CA trusted when given. */
    public java.net.http.HttpClient httpClient() {
        java.net.http.HttpClient.Builder b = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(java.net.http.HttpClient.Redirect.NORMAL);
        if (caCert != null) b.sslContext(dev.sandtable.e2b.client.TlsTrust.withExtraCa(caCert));
        return b.build();
    }

    /** envd's base URL for a sandbox; {@code sandboxDomain} is the domain the API returned for it (may be null). */
    public URI envdUrl(String sandboxId, String sandboxDomain) {
        return switch (routing) {
            case HOST -> URI.create("https://" + ENVD_PORT + "-" + sandboxId + "."
                    + (sandboxDomain == null || sandboxDomain.isBlank() ? domain : sandboxDomain));
            case PATH -> URI.create(strip(routingBase.toString()) + "/sandbox/" + sandboxId + "/" + ENVD_PORT);
            case SANDBOX_URL -> routingBase;
        };
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
