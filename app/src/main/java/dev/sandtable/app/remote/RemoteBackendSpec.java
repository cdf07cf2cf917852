package dev.sandtable.app.remote;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * A backend the user added to the window: what the "Add backend" dialog collects and what is persisted so it comes
 * back next start. An E2B-compatible platform, an OpenSandbox server, or a Docker engine when the URL is
 * {@code unix://…} or {@code tcp://…}.
 *
 * @param name       shown in the sidebar and the Backend column; unique among the window's backends
 * @param apiUrl     the control plane (E2B_API_URL), or the Docker engine (DOCKER_HOST)
 * @param apiKey     X-API-Key (E2B_API_KEY)
 * @param domain     sandbox domain for host routing (E2B_DOMAIN); may be blank
 * @param routing    how each sandbox's envd is reached
 * @param routingUrl PATH: the proxy's base URL; SANDBOX_URL: the one envd URL (E2B_SANDBOX_URL); HOST: unused
 * @param caCert     a PEM file of extra CA certificates to trust for HTTPS (SSL_CERT_FILE); blank for none
 * @param kind       which API the server speaks (missing in files saved before OpenSandbox: E2B)
 */
public record RemoteBackendSpec(String name, String apiUrl, String apiKey, String domain, E2bConfig.Routing routing, String routingUrl,
                                String caCert, Kind kind) {
    /** The families of remote backend the dialog can add. */
    public enum Kind {
        E2B("E2B-compatible (E2B, CubeSandbox, sandtable serve)"),
        OPENSANDBOX("OpenSandbox server");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public RemoteBackendSpec {
        kind = kind == null ? Kind.E2B : kind;
        name = trim(name);
        apiUrl = trim(apiUrl);
        apiKey = trim(apiKey);
        domain = trim(domain);
        routing = routing == null ? E2bConfig.Routing.HOST : routing;
        routingUrl = trim(routingUrl);
        caCert = trim(caCert);
    }

    public RemoteBackendSpec(String name, String apiUrl, String apiKey, String domain, E2bConfig.Routing routing, String routingUrl,
                             String caCert) {
        this(name, apiUrl, apiKey, domain, routing, routingUrl, caCert, Kind.E2B);
    }

    public RemoteBackendSpec(String name, String apiUrl, String apiKey, String domain, E2bConfig.Routing routing, String routingUrl) {
        this(name, apiUrl, apiKey, domain, routing, routingUrl, "");
    }

    /** An OpenSandbox server: its URL (e.g. http://localhost:8080/v1) and OPEN-SANDBOX-API-KEY. */
    public static RemoteBackendSpec openSandbox(String name, String apiUrl, String apiKey) {
        return new RemoteBackendSpec(name, apiUrl, apiKey, "", E2bConfig.Routing.HOST, "", "", Kind.OPENSANDBOX);
    }

    /** The dialog's defaults: E2B_API_URL, E2B_API_KEY, E2B_DOMAIN, E2B_SANDBOX_URL (or SANDTABLE_E2B_PROXY_URL), SSL_CERT_FILE. */
    public static RemoteBackendSpec defaults(Map<String, String> env) {
        String sandboxUrl = env.getOrDefault("E2B_SANDBOX_URL", "");
        String proxyUrl = env.getOrDefault("SANDTABLE_E2B_PROXY_URL", "");
        E2bConfig.Routing routing = !proxyUrl.isBlank() ? E2bConfig.Routing.PATH
                : !sandboxUrl.isBlank() ? E2bConfig.Routing.SANDBOX_URL : E2bConfig.Routing.HOST;
        String domain = env.getOrDefault("E2B_DOMAIN", "");
        String api = env.getOrDefault("E2B_API_URL", "");
        if (api.isBlank()) api = "https://api." + (domain.isBlank() ? "e2b.app" : domain.trim());
        return new RemoteBackendSpec("", api, env.getOrDefault("E2B_API_KEY", ""), domain, routing,
                routing == E2bConfig.Routing.PATH ? proxyUrl : sandboxUrl, env.getOrDefault("SSL_CERT_FILE", ""));
    }

    /** True when the URL names a Docker engine ({@code unix://…}, {@code tcp://…}) rather than an E2B control plane. */
    public boolean isDocker() {
        String lower = apiUrl.toLowerCase(Locale.ROOT);
        return kind == Kind.E2B && (lower.startsWith("unix:") || lower.startsWith("tcp:"));
    }

    /** The dialog's defaults for an OpenSandbox server: OPEN_SANDBOX_API_URL (else the spec's localhost:8080/v1), OPEN_SANDBOX_API_KEY. */
    public static RemoteBackendSpec openSandboxDefaults(Map<String, String> env) {
        return openSandbox("", env.getOrDefault("OPEN_SANDBOX_API_URL", "http://localhost:8080/v1"), env.getOrDefault("OPEN_SANDBOX_API_KEY", ""));
    }

    /** What is wrong with this spec, in words for the dialog; null when it can be used. */
    public String problem() {
        if (name.isEmpty()) return "Give the backend a name";
        if (name.length() > 40) return "The name is too long (at most 40 characters)";
        if (isDocker()) return dev.sandtable.docker.DockerHost.problem(apiUrl); // a Docker engine needs no key
        String url = urlProblem("API URL", apiUrl);
        if (url != null) return url;
        if (apiKey.isEmpty()) return "The API key is missing";
        if (kind == Kind.OPENSANDBOX) return null; // no routing or CA settings: OpenSandbox is reached at its URL only
        if (routing != E2bConfig.Routing.HOST) {
            String what = routing == E2bConfig.Routing.PATH ? "proxy URL" : "sandbox URL";
            if (routingUrl.isEmpty()) return "The " + what + " is missing (or choose host routing)";
            String p = urlProblem(what, routingUrl);
            if (p != null) return p;
        }
        if (!caCert.isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(caCert)))
            return "The CA certificate file cannot be read: " + caCert;
        return null;
    }

    private static String urlProblem(String what, String text) {
        if (text.isEmpty()) return "The " + what + " is missing";
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null)
                return "The " + what + " must look like https://api.example.com or http://127.0.0.1:3000";
            return null;
        } catch (java.net.URISyntaxException e) {
            return "The " + what + " is not a valid URL: " + e.getReason();
        }
    }

    /** The client configuration; fails with INVALID_ARGUMENT and the dialog's message when the spec is unusable. */
    public E2bConfig toConfig() {
        String p = problem();
        if (p == null && isDocker()) p = apiUrl + " is a Docker engine, not an E2B-compatible platform";
        if (p != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, p);
        return new E2bConfig(URI.create(apiUrl), apiKey, domain.isEmpty() ? null : domain, routing,
                routing == E2bConfig.Routing.HOST ? null : URI.create(routingUrl), null, null,
                caCert.isEmpty() ? null : java.nio.file.Path.of(caCert));
    }

    /** The OpenSandbox client configuration; fails with INVALID_ARGUMENT and the dialog's message when unusable. */
    public dev.sandtable.opensandbox.OpenSandboxConfig toOpenSandboxConfig() {
        String p = problem();
        if (p != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, p);
        return new dev.sandtable.opensandbox.OpenSandboxConfig(URI.create(apiUrl), apiKey);
    }

    /** The same backend under another key (the store keeps keys apart from the rest). */
    public RemoteBackendSpec withApiKey(String key) {
        return new RemoteBackendSpec(name, apiUrl, key, domain, routing, routingUrl, caCert, kind);
    }

    /** The same fields as another kind of backend (the dialog's kind selector). */
    public RemoteBackendSpec withKind(Kind newKind) {
        return new RemoteBackendSpec(name, apiUrl, apiKey, domain, routing, routingUrl, caCert, newKind);
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
