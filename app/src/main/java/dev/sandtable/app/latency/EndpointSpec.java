package dev.sandtable.app.latency;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.latency.ProbeTarget;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An endpoint the user adds to a latency run, typically the same sandbox through a proxy (A/B). Blank fields are
 * taken from the sandbox's own endpoint, so a proxy needs only its URL.
 *
 * @param label      its name in the verdicts, charts and reports ({@code proxy}); unique within a run
 * @param sandboxUrl where envd is reached (a proxy's URL); blank: as the sandbox's own endpoint
 * @param apiUrl     the control plane; blank: the sandbox's own
 * @param apiKey     blank: the sandbox's own
 * @param caCert     a PEM file of extra CA certificates to trust (a proxy with a private CA); blank: the sandbox's own
 */
public record EndpointSpec(String label, String sandboxUrl, String apiUrl, String apiKey, String caCert) {
    public EndpointSpec {
        label = trim(label);
        sandboxUrl = trim(sandboxUrl);
        apiUrl = trim(apiUrl);
        apiKey = trim(apiKey);
        caCert = trim(caCert);
    }

    /** What is wrong, in words for the dialog; null when it can be used. */
    public String problem() {
        if (label.isEmpty()) return "Give the endpoint a name";
        if (label.length() > 30) return "The name is too long (at most 30 characters)";
        if (sandboxUrl.isEmpty() && apiUrl.isEmpty()) return "Enter the sandbox URL (for example the proxy's) or an API URL";
        String p = urlProblem("sandbox URL", sandboxUrl);
        if (p != null) return p;
        p = urlProblem("API URL", apiUrl);
        if (p != null) return p;
        if (!caCert.isEmpty() && !Files.isReadable(Path.of(caCert))) return "The CA certificate file cannot be read: " + caCert;
        return null;
    }

    private static String urlProblem(String what, String text) {
        if (text.isEmpty()) return null;
        try {
            URI u = new URI(text);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null)
                return "The " + what + " must look like https://proxy.example.com or http://127.0.0.1:8080";
            return null;
        } catch (URISyntaxException e) {
            return "The " + what + " is not a valid URL: " + e.getReason();
        }
    }

    /**
     * The client configuration, filling blanks from {@code own} (the sandbox's own endpoint). A sandbox URL keeps
     * CubeProxy's path routing when the own endpoint uses it, else routes by header (E2B_SANDBOX_URL); another control
     * plane without a sandbox URL routes by host name.
     */
    public E2bConfig resolve(E2bConfig own) {
        E2bConfig c = own;
        if (!apiUrl.isEmpty())
            c = new E2bConfig(URI.create(apiUrl), c.apiKey(), c.domain(), E2bConfig.Routing.HOST, null, c.pollInterval(), c.user(), c.caCert());
        if (!sandboxUrl.isEmpty()) {
            E2bConfig.Routing r = apiUrl.isEmpty() && own.routing() == E2bConfig.Routing.PATH ? E2bConfig.Routing.PATH : E2bConfig.Routing.SANDBOX_URL;
            c = c.withRouting(r, URI.create(sandboxUrl));
        }
        if (!apiKey.isEmpty()) c = c.withApiKey(apiKey);
        if (!caCert.isEmpty()) c = c.withCaCert(Path.of(caCert));
        return c;
    }

    /**
     * The same sandbox's execd through another URL (a proxy in front of execd): the sandbox URL is execd's base URL
     * there; the token comes from the OpenSandbox server as for the own endpoint.
     */
    public ProbeTarget.Execd resolve(ProbeTarget.Execd own) {
        if (sandboxUrl.isEmpty())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, label + ": for an OpenSandbox sandbox, enter execd's URL through the proxy as the sandbox URL");
        if (!apiUrl.isEmpty() || !apiKey.isEmpty())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, label + ": an OpenSandbox endpoint takes only execd's URL (and a CA file); "
                    + "the API URL and key are the backend's");
        ProbeTarget.Execd t = own.through(label, URI.create(sandboxUrl));
        return caCert.isEmpty() ? t : new ProbeTarget.Execd(t.label(), t.server(), t.execdUrl(), t.headers(), Path.of(caCert), t.watchInterval());
    }

    /** One line for the endpoint list. */
    public String describe() {
        String where = !sandboxUrl.isEmpty() ? sandboxUrl : apiUrl;
        return where + (caCert.isEmpty() ? "" : " · CA " + Path.of(caCert).getFileName());
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
