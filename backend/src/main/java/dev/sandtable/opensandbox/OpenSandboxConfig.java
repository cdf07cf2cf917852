package dev.sandtable.opensandbox;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Where an OpenSandbox lifecycle server is and how to reach it.
 *
 * @param apiUrl       the server's base URL, e.g. {@code http://localhost:8080/v1} (routes are mounted at / and /v1)
 * @param apiKey       sent as {@code OPEN-SANDBOX-API-KEY}
 * @param pollInterval how often the live view lists sandboxes, snapshots and pools
 */
public record OpenSandboxConfig(URI apiUrl, String apiKey, Duration pollInterval) {
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(2);

    public OpenSandboxConfig {
        if (apiUrl == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the OpenSandbox server URL is missing");
        if (apiKey == null || apiKey.isBlank())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the OpenSandbox API key is missing (OPEN_SANDBOX_API_KEY)");
        pollInterval = pollInterval == null ? DEFAULT_POLL : pollInterval;
    }

    public OpenSandboxConfig(URI apiUrl, String apiKey) {
        this(apiUrl, apiKey, null);
    }

    /** OPEN_SANDBOX_API_URL (default http://localhost:8080/v1, the spec's server), OPEN_SANDBOX_API_KEY, SANDTABLE_OPENSANDBOX_POLL_MS. */
    public static OpenSandboxConfig fromEnvironment(Map<String, String> env) {
        String url = env.getOrDefault("OPEN_SANDBOX_API_URL", "http://localhost:8080/v1");
        String poll = env.get("SANDTABLE_OPENSANDBOX_POLL_MS");
        return new OpenSandboxConfig(URI.create(url), env.get("OPEN_SANDBOX_API_KEY"),
                poll == null ? null : Duration.ofMillis(Long.parseLong(poll)));
    }
}
