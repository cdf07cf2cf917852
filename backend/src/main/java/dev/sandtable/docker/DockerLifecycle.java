package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.HostConfig;
import dev.sandtable.model.Names;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Create, start, stop, pause, unpause and destroy containers; every call blocks (the backend runs them on virtual threads). */
final class DockerLifecycle {
    /**
     * The main process of a container whose image has no command: a shell that sleeps and ends at once on TERM
     * (a plain {@code sleep} as pid 1 ignores TERM, and every stop would wait for the kill).
     */
    static final List<String> KEEP_ALIVE = List.of("/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done");
    /** Seconds a stop waits after TERM before the engine kills (the local runtime's grace period). */
    static final int STOP_GRACE_SECONDS = 2;

    private final DockerEngine engine;
    private final DockerInformer informer;
    private final Clock clock;

    DockerLifecycle(DockerEngine engine, DockerInformer informer, Clock clock) {
        this.engine = engine;
        this.informer = informer;
        this.clock = clock;
    }

    /** Creates and starts a container; returns it as a running sandbox. */
    Sandbox create(DockerCreateSpec spec, Map<String, String> ourLabels) {
        if (spec.image() == null || spec.image().isBlank())
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "which image? give the template (image) to create the sandbox from");
        String name = spec.name() == null ? generatedName(spec.image()) : spec.name();
        String problem = Names.problem("sandbox", name);
        if (problem != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, problem);
        if (spec.memoryBytes() != null && spec.memoryBytes() < 6L * 1024 * 1024)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "a memory limit below 6 MiB is refused by Docker; give at least 6 MiB");
        if (spec.nanoCpus() != null && spec.nanoCpus() <= 0)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the CPU limit must be above 0");
        DockerClient client = engine.client();
        InspectImageResponse image;
        try {
            image = client.inspectImageCmd(spec.image()).exec();
        } catch (NotFoundException e) {
            throw new SandtableException(ErrorCode.NOT_FOUND, "no image '" + spec.image() + "' on " + engine.displayName()
                    + "; Sandtable does not pull images: run 'docker pull " + spec.image() + "' (or docker import/build) first");
        }
        List<String> cmd = spec.command();
        boolean imageHasCommand = image.getConfig() != null
                && (image.getConfig().getCmd() != null && image.getConfig().getCmd().length > 0
                || image.getConfig().getEntrypoint() != null && image.getConfig().getEntrypoint().length > 0);
        if (cmd.isEmpty() && !imageHasCommand) cmd = KEEP_ALIVE;
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put(DockerLabels.MANAGED, "true");
        labels.put(DockerLabels.NAME, name);
        labels.putAll(ourLabels);
        HostConfig host = HostConfig.newHostConfig();
        if (spec.memoryBytes() != null) host.withMemory(spec.memoryBytes());
        if (spec.nanoCpus() != null) host.withNanoCPUs(spec.nanoCpus());
        CreateContainerCmd create = client.createContainerCmd(spec.image()).withName(name).withLabels(labels)
                .withTty(true).withStdinOpen(true).withHostConfig(host)
                .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        if (!cmd.isEmpty()) create.withCmd(cmd);
        String id = create.exec().getId();
        try {
            client.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            try {
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException ignored) {
                // the start failure is what the user must see
            }
            throw e;
        }
        return current(id);
    }

    void start(String id) {
        try {
            engine.client().startContainerCmd(id).exec();
        } catch (NotModifiedException alreadyRunning) {
            // docker answers 304 when it is already running: the wish is fulfilled
        }
    }

    void stop(String id) {
        try {
            engine.client().stopContainerCmd(id).withTimeout(STOP_GRACE_SECONDS).exec();
        } catch (NotModifiedException alreadyStopped) {
            // 304: already stopped
        }
    }

    void pause(String id) {
        engine.client().pauseContainerCmd(id).exec();
    }

    void unpause(String id) {
        engine.client().unpauseContainerCmd(id).exec();
    }

    void destroy(String id) {
        try {
            engine.client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // removed behind our back (or twice): the end state is the one asked for
        }
    }

    /** The container now, mapped (the informer's event for the same change may come before or after). */
    Sandbox current(String id) {
        com.github.dockerjava.api.command.InspectContainerResponse c;
        try {
            c = engine.client().inspectContainerCmd(id).exec();
        } catch (NotFoundException e) {
            throw new SandtableException(ErrorCode.NOT_FOUND, "sandbox " + DockerMapping.shortId(id)
                    + " is gone from " + engine.displayName() + " (removed behind Sandtable's back?)");
        }
        String key = DockerMapping.shortId(c.getId());
        Sandbox before = informer.sandboxes().stream().filter(s -> s.id().equals(key)).findFirst().orElse(null);
        return DockerMapping.sandbox(c, clock.instant(), before);
    }

    /**
     * The full container id for a name, an id or an id prefix: the informer's last list first, then the engine.
     * NOT_FOUND names the engine.
     */
    String resolve(String ref) {
        if (ref == null || ref.isBlank()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "which sandbox? give its name or id");
        for (Sandbox s : informer.sandboxes()) if (s.name().equals(ref) || s.id().equals(ref)) return s.id();
        try {
            return engine.client().inspectContainerCmd(ref).exec().getId();
        } catch (NotFoundException e) {
            throw new SandtableException(ErrorCode.NOT_FOUND, "no sandbox named '" + ref + "' on " + engine.displayName());
        }
    }

    private static String generatedName(String image) {
        String base = image.replaceAll("^.*/", "").replaceAll("[:@].*$", "").toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        base = base.replaceAll("^-+|-+$", "");
        if (base.isEmpty() || base.length() > 40) base = "sandbox";
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return base + "-" + HexFormat.of().formatHex(b);
    }
}
