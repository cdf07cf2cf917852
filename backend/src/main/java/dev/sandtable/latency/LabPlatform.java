package dev.sandtable.latency;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the lab needs of a platform, whatever its sandboxes' agent: a temporary sandbox, and each endpoint's probes for
 * a sandbox. One per run; every target of a run speaks the same protocol.
 */
interface LabPlatform extends AutoCloseable {
    /** An endpoint ready to probe. */
    record Connected(EndpointProbes probes, EndpointSummary summary) {
    }

    /** False when the first target reaches one sandbox's agent directly, with no platform to create one on. */
    default boolean canCreate() {
        return true;
    }

    /** The scratch folder's path for a folder name. */
    default String scratchDir(String name) {
        return name;
    }

    /** Creates a temporary sandbox on the first target's platform; its id. */
    String createTemporary(String template) throws InterruptedException;

    void destroy(String id) throws InterruptedException;

    /** Reaches target {@code i}'s agent for sandbox {@code id} (the first one also makes the scratch folder {@code dir}). */
    Connected connect(int i, String id, boolean temporary, String dir) throws InterruptedException;

    /** Removes the scratch folder through the first endpoint; quiet when the sandbox is gone. */
    void removeDir(String dir);

    @Override
    void close();

    static LabPlatform of(List<ProbeTarget> targets, ProbeSettings settings, ProbeListener listener, long t0) {
        Protocol p = targets.getFirst().protocol();
        for (ProbeTarget t : targets)
            if (t.protocol() != p) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "cannot compare " + t.label() + " (" + t.protocol().agent()
                    + ") with " + targets.getFirst().label() + " (" + p.agent() + "): every endpoint of a run must reach the same agent");
        return switch (p) {
            case ENVD -> new EnvdPlatform(targets.stream().map(t -> (ProbeTarget.Envd) t).toList(), settings, listener, t0);
            case EXECD -> new ExecdPlatform(targets.stream().map(t -> (ProbeTarget.Execd) t).toList(), settings, listener, t0);
        };
    }

    static <T> T await(CompletableFuture<T> f, String what, long seconds) throws InterruptedException {
        return CallWait.get(f, Duration.ofSeconds(seconds), SandtableException::of, () -> what + " took longer than " + seconds + " s");
    }
}
