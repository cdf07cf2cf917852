package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.time.Duration;

/**
 * A docker-java client for one engine, pinned to the API version both sides speak. docker-java does not negotiate:
 * one unversioned {@code /version} call reads the engine's API version and its minimum, then the client is pinned
 * to {@code min(engine, HIGHEST_KNOWN)}; an engine whose minimum is above what this client knows is refused with
 * a message.
 *
 * @param client     the pinned client (every call blocks: run them off the caller's thread)
 * @param apiVersion the version in use, e.g. "1.41"
 * @param engine     the engine's version, e.g. "20.10.24+dfsg1"
 */
record DockerConnection(DockerHost host, DockerClient client, String apiVersion, String engine, String os) implements AutoCloseable {
    /** The newest API version docker-java 3.7 knows; newer engines are spoken to at this version. */
    static final RemoteApiVersion HIGHEST_KNOWN = RemoteApiVersion.VERSION_1_44;
    /** The oldest API this backend needs (pause/unpause, labels filters, exec resize). */
    static final RemoteApiVersion LOWEST_SUPPORTED = RemoteApiVersion.create(1, 24);

    static DockerConnection open(DockerHost host, String engineName) {
        Version v;
        try (DockerClient probe = client(host, RemoteApiVersion.unknown(), Duration.ofSeconds(10))) {
            v = probe.versionCmd().exec();
        } catch (IOException e) {
            throw DockerErrors.map(e, engineName, host, "connecting to " + host.uri());
        } catch (RuntimeException e) {
            throw DockerErrors.map(e, engineName, host, "connecting to " + host.uri());
        }
        RemoteApiVersion chosen = negotiate(v.getApiVersion(), v.getMinAPIVersion(), host);
        DockerClient c = client(host, chosen, null);
        return new DockerConnection(host, c, chosen.getVersion(), v.getVersion(), v.getOperatingSystem());
    }

    /** min(engine, HIGHEST_KNOWN); fails when the engine's minimum is newer than this client or its maximum too old. */
    static RemoteApiVersion negotiate(String engineApi, String engineMin, DockerHost host) {
        RemoteApiVersion engine = RemoteApiVersion.parseConfigWithDefault(engineApi);
        if (!engine.isGreaterOrEqual(RemoteApiVersion.create(1, 12)))
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the Docker engine at " + host.uri() + " did not say which API version it speaks");
        if (!engine.isGreaterOrEqual(LOWEST_SUPPORTED))
            throw new SandtableException(ErrorCode.UNSUPPORTED, "the Docker engine at " + host.uri() + " speaks API " + engineApi
                    + "; Sandtable needs " + LOWEST_SUPPORTED.getVersion() + " or newer (Docker 1.12+)");
        RemoteApiVersion chosen = engine.isGreater(HIGHEST_KNOWN) ? HIGHEST_KNOWN : engine;
        if (engineMin != null && !engineMin.isBlank()) {
            RemoteApiVersion min = RemoteApiVersion.parseConfigWithDefault(engineMin);
            if (min.isGreater(chosen))
                throw new SandtableException(ErrorCode.UNSUPPORTED, "the Docker engine at " + host.uri() + " accepts API " + engineMin
                        + " or newer, but this Sandtable speaks at most " + HIGHEST_KNOWN.getVersion());
        }
        return chosen;
    }

    static DockerClient client(DockerHost host, RemoteApiVersion version, Duration responseTimeout) {
        DefaultDockerClientConfig.Builder cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.uri().toString())
                .withDockerTlsVerify(false);
        if (!version.equals(RemoteApiVersion.unknown())) cfg.withApiVersion(version);
        DefaultDockerClientConfig config = cfg.build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5));
        if (responseTimeout != null) http.responseTimeout(responseTimeout);
        DockerHttpClient built = http.build();
        return DockerClientImpl.getInstance(config, built);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing a client whose engine is gone
        }
    }
}
