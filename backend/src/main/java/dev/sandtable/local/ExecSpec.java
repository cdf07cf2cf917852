package dev.sandtable.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start a command inside a running sandbox (for terminals and tests): run {@code argv} in {@code directory}
 * with exactly {@code environment}. With bubblewrap it enters the sandbox's namespaces with nsenter; either way it
 * first joins the sandbox's cgroup (when there is one) so that a pause freezes it too.
 */
public record ExecSpec(List<String> argv, Path directory, Map<String, String> environment) {
    public ExecSpec {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    public ProcessBuilder processBuilder() {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(directory.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        return pb;
    }
}
