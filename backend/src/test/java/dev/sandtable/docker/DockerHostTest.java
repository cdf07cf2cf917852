package dev.sandtable.docker;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which engine: DOCKER_HOST, then the current Docker context, then the default socket; API version negotiation; error wording. */
class DockerHostTest {
    @TempDir
    Path home;

    @Test
    void dockerHostWinsOverTheContext() throws IOException {
        writeContext("remote", "tcp://10.0.0.9:2375");
        DockerHost h = DockerHost.fromEnvironment(Map.of("DOCKER_HOST", "unix:///run/user/1000/docker.sock"), home);
        assertThat(h.uri()).isEqualTo(URI.create("unix:///run/user/1000/docker.sock"));
        assertThat(h.source()).isEqualTo("DOCKER_HOST");
    }

    @Test
    void theCurrentContextNamesTheEngine() throws IOException {
        writeContext("colima", "unix:///home/me/.colima/docker.sock");
        DockerHost h = DockerHost.fromEnvironment(Map.of(), home);
        assertThat(h.uri().toString()).isEqualTo("unix:///home/me/.colima/docker.sock");
        assertThat(h.source()).isEqualTo("context 'colima'");
        // DOCKER_CONTEXT picks another one; "default" means the default socket
        assertThat(DockerHost.fromEnvironment(Map.of("DOCKER_CONTEXT", "default"), home).uri()).isEqualTo(DockerHost.DEFAULT_SOCKET);
    }

    @Test
    void withoutEitherTheDefaultSocket() {
        DockerHost h = DockerHost.fromEnvironment(Map.of(), home);
        assertThat(h.uri()).isEqualTo(DockerHost.DEFAULT_SOCKET);
        assertThat(h.backendId()).isEqualTo("docker:unix:///var/run/docker.sock");
    }

    @Test
    void aMissingContextIsAClearErrorButNotACandidateProblem() throws IOException {
        Files.createDirectories(home.resolve(".docker"));
        Files.writeString(home.resolve(".docker/config.json"), "{\"currentContext\":\"gone\"}");
        assertThatThrownBy(() -> DockerHost.fromEnvironment(Map.of(), home)).isInstanceOf(SandtableException.class)
                .hasMessageContaining("context 'gone'");
        assertThat(DockerHost.candidates(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), home)).extracting(DockerHost::source).contains("DOCKER_HOST");
    }

    @Test
    void badHostsAreRefusedWithAReason() {
        assertThat(DockerHost.problem("ssh://me@box")).contains("ssh");
        assertThat(DockerHost.problem("unix:")).contains("not a valid Docker host");
        assertThat(DockerHost.problem("unix:///")).isNull();
        assertThat(DockerHost.problem("http//x")).contains("not a Docker host");
        assertThat(DockerHost.problem("")).contains("missing");
        assertThatThrownBy(() -> DockerHost.of("ftp://x", "t")).isInstanceOf(SandtableException.class)
                .extracting(e -> ((SandtableException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void negotiationPicksWhatBothSidesSpeak() {
        DockerHost h = DockerHost.of("unix:///x.sock", "t");
        assertThat(DockerConnection.negotiate("1.41", "1.12", h).getVersion()).isEqualTo("1.41");
        assertThat(DockerConnection.negotiate("1.51", "1.24", h).getVersion()).isEqualTo(DockerConnection.HIGHEST_KNOWN.getVersion());
        assertThatThrownBy(() -> DockerConnection.negotiate("1.60", "1.50", h)).hasMessageContaining("accepts API 1.50 or newer");
        assertThatThrownBy(() -> DockerConnection.negotiate("1.20", null, h)).hasMessageContaining("needs 1.24 or newer");
    }

    @Test
    void transportFailuresAreWordedForUsers() {
        DockerHost h = DockerHost.of("unix:///var/run/docker.sock", "t");
        SandtableException denied = DockerErrors.map(new RuntimeException(new IOException("connect failed: Permission denied")), "Docker", h, "listing");
        assertThat(denied.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(denied.getMessage()).contains("no permission to use the Docker socket /var/run/docker.sock").contains("'docker'");
        SandtableException down = DockerErrors.map(new RuntimeException(new java.net.ConnectException("Connection refused")), "Docker", h, "listing");
        assertThat(down.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(down.getMessage()).contains("is dockerd running?");
        assertThat(DockerErrors.dockerMessage(new RuntimeException("Status 409: {\"message\":\"Conflict. The container name \\\"/a\\\" is already in use\"}")))
                .isEqualTo("Conflict. The container name \"/a\" is already in use");
    }

    private void writeContext(String name, String host) throws IOException {
        Path docker = Files.createDirectories(home.resolve(".docker"));
        Files.writeString(docker.resolve("config.json"), "{\"currentContext\":\"" + name + "\"}");
        Path meta = Files.createDirectories(docker.resolve("contexts/meta").resolve(DockerHost.sha256(name)));
        Files.writeString(meta.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\"}}}");
    }
}
