package dev.sandtable.docker;

import java.util.List;
import java.util.Map;

/**
 * A container to create from an image.
 *
 * @param image       image reference or id (never pulled: Sandtable creates from images the engine has)
 * @param name        sandbox (container) name, a DNS label; null to have one generated
 * @param command     the main process; null or empty for the image's own command (or a keep-alive shell when it
 *                    has none, as images made with {@code docker import} have)
 * @param env         environment
 * @param memoryBytes memory limit, or null for none
 * @param nanoCpus    CPU limit in billionths of a CPU (1.5 CPUs = 1_500_000_000), or null for none
 * @param labels      the user's labels (Sandtable adds its own under {@code dev.sandtable.})
 */
public record DockerCreateSpec(String image, String name, List<String> command, Map<String, String> env,
                               Long memoryBytes, Long nanoCpus, Map<String, String> labels) {
    public DockerCreateSpec {
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static DockerCreateSpec of(String image, String name) {
        return new DockerCreateSpec(image, name, null, null, null, null, null);
    }

    public DockerCreateSpec withCommand(List<String> cmd) {
        return new DockerCreateSpec(image, name, cmd, env, memoryBytes, nanoCpus, labels);
    }

    public DockerCreateSpec withEnv(Map<String, String> e) {
        return new DockerCreateSpec(image, name, command, e, memoryBytes, nanoCpus, labels);
    }

    public DockerCreateSpec withLimits(Long memory, Long cpus) {
        return new DockerCreateSpec(image, name, command, env, memory, cpus, labels);
    }

    public DockerCreateSpec withLabels(Map<String, String> l) {
        return new DockerCreateSpec(image, name, command, env, memoryBytes, nanoCpus, l);
    }
}
