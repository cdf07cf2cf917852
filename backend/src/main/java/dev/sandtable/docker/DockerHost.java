package dev.sandtable.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.json.Json;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a Docker engine is reached, and how that was decided: {@code DOCKER_HOST}, the current Docker context
 * ({@code DOCKER_CONTEXT} or {@code currentContext} in {@code ~/.docker/config.json}), or the default socket.
 *
 * @param uri    {@code unix:///var/run/docker.sock}, {@code tcp://host:2375}
 * @param source how it was found, for tooltips ("DOCKER_HOST", "context 'colima'", "default socket", "added")
 */
public record DockerHost(URI uri, String source) {
    public static final URI DEFAULT_SOCKET = URI.create("unix:///var/run/docker.sock");

    public DockerHost {
        String p = problem(uri == null ? null : uri.toString());
        if (p != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, p);
    }

    /** A host the user typed ({@code --docker-host}, "Add backend"); INVALID_ARGUMENT with the reason if unusable. */
    public static DockerHost of(String text, String source) {
        String p = problem(text);
        if (p != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, p);
        return new DockerHost(URI.create(text.trim()), source);
    }

    /** Why this text is not a Docker host URL, or null. */
    public static String problem(String text) {
        if (text == null || text.isBlank()) return "The Docker host is missing (e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375)";
        URI u;
        try {
            u = new URI(text.trim());
        } catch (java.net.URISyntaxException e) {
            return "'" + text + "' is not a valid Docker host: " + e.getReason();
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "unix" -> u.getPath() == null || u.getPath().isEmpty() ? "A unix Docker host needs a socket path, e.g. unix:///var/run/docker.sock" : null;
            case "tcp", "http", "https" -> u.getHost() == null ? "A tcp Docker host needs a host and port, e.g. tcp://127.0.0.1:2375" : null;
            case "ssh" -> "Docker hosts over ssh:// are not supported yet; forward the socket (ssh -L) and use unix:// or tcp://";
            case "npipe" -> "Windows named pipes (npipe://) are not supported on this system";
            default -> "'" + text + "' is not a Docker host: use unix:///path/to/docker.sock or tcp://host:port";
        };
    }

    /** The socket file of a unix host, else null. */
    public Path socketPath() {
        return "unix".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri.getPath()) : null;
    }

    /** A stable backend id: "docker:" + the URI. */
    public String backendId() {
        return "docker:" + uri;
    }

    /** The engine the environment names: DOCKER_HOST, else the current context, else the default socket. */
    public static DockerHost fromEnvironment(Map<String, String> env, Path home) {
        String h = env.get("DOCKER_HOST");
        if (h != null && !h.isBlank()) return of(h, "DOCKER_HOST");
        DockerHost ctx = currentContext(env, home);
        return ctx != null ? ctx : new DockerHost(DEFAULT_SOCKET, "default socket");
    }

    public static DockerHost fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * Every distinct engine worth trying when the window starts: DOCKER_HOST, the current context, the default
     * socket (when its file exists). Unusable entries are left out: none is an error.
     */
    public static List<DockerHost> candidates(Map<String, String> env, Path home) {
        List<DockerHost> out = new ArrayList<>();
        String h = env.get("DOCKER_HOST");
        if (h != null && !h.isBlank() && problem(h) == null) add(out, of(h, "DOCKER_HOST"));
        try {
            DockerHost ctx = currentContext(env, home);
            if (ctx != null) add(out, ctx);
        } catch (SandtableException ignored) {
            // a broken context file is not a reason to show no engine at all
        }
        if (Files.exists(Path.of(DEFAULT_SOCKET.getPath()))) add(out, new DockerHost(DEFAULT_SOCKET, "default socket"));
        return out;
    }

    private static void add(List<DockerHost> list, DockerHost h) {
        if (list.stream().noneMatch(x -> x.uri.equals(h.uri))) list.add(h);
    }

    /** The current context's docker endpoint ({@code ~/.docker/contexts/meta/<sha256(name)>/meta.json}), or null for "default". */
    static DockerHost currentContext(Map<String, String> env, Path home) {
        Path dockerDir = env.containsKey("DOCKER_CONFIG") ? Path.of(env.get("DOCKER_CONFIG")) : home.resolve(".docker");
        String name = env.get("DOCKER_CONTEXT");
        try {
            if (name == null || name.isBlank()) {
                Path cfg = dockerDir.resolve("config.json");
                if (!Files.isRegularFile(cfg)) return null;
                JsonNode n = Json.mapper().readTree(cfg.toFile());
                name = n.path("currentContext").asText("");
            }
            if (name.isBlank() || name.equals("default")) return null;
            Path meta = dockerDir.resolve("contexts").resolve("meta").resolve(sha256(name)).resolve("meta.json");
            if (!Files.isRegularFile(meta))
                throw new SandtableException(ErrorCode.NOT_FOUND, "the current Docker context '" + name + "' has no metadata in " + meta);
            String host = Json.mapper().readTree(meta.toFile()).path("Endpoints").path("docker").path("Host").asText("");
            if (host.isBlank()) return null;
            return of(host, "context '" + name + "'");
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "could not read the Docker context settings in " + dockerDir + ": " + e.getMessage());
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
