package dev.sandtable.service;

import java.net.URI;
import java.time.Instant;

/**
 * What {@code service.json} holds: how to reach the running service. The file is private to the user (0600),
 * because the key is the only thing that stands between other local users and the sandboxes.
 *
 * @param pid       the service's process id
 * @param url       its base URL, e.g. http://127.0.0.1:40123
 * @param apiKey    the key every request carries in {@code X-API-Key}
 * @param version   the Sandtable version the service runs
 * @param startedAt when it started
 */
public record ServiceInfo(long pid, String url, String apiKey, String version, Instant startedAt) {

    public URI uri(String path) {
        return URI.create(url + path);
    }
}
