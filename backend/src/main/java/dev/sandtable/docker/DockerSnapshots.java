package dev.sandtable.docker;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import dev.sandtable.model.Names;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Snapshots as images: {@code docker commit} (the container is paused during the commit) into
 * {@code sandtable-snapshot/<name>:latest}, labelled with the source sandbox, its parent snapshot and the time.
 * Restore creates a new container from the image each time (1:N), labelled with the snapshot, so a snapshot of
 * that container names it as its parent (lineage). Delete removes the image; the engine refuses while containers
 * made from it exist, and the message says so.
 */
final class DockerSnapshots {
    private final DockerEngine engine;
    private final DockerInformer informer;
    private final DockerLifecycle lifecycle;
    private final Clock clock;

    DockerSnapshots(DockerEngine engine, DockerInformer informer, DockerLifecycle lifecycle, Clock clock) {
        this.engine = engine;
        this.informer = informer;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    Snapshot snapshot(String sandboxRef, String name) {
        String id = lifecycle.resolve(sandboxRef);
        Sandbox source = lifecycle.current(id);
        String snapName = name == null || name.isBlank() ? source.name() + "-snap-" + hex3() : name;
        String problem = Names.problem("snapshot", snapName);
        if (problem != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, problem);
        if (find(snapName) != null)
            throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a snapshot named '" + snapName + "' exists already on " + engine.displayName());
        String parent = source.metadata().get(DockerLabels.FROM_SNAPSHOT);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DockerLabels.MANAGED, "true");
        labels.put(DockerLabels.SNAPSHOT, "true");
        labels.put(DockerLabels.SNAPSHOT_NAME, snapName);
        labels.put(DockerLabels.SNAPSHOT_SOURCE_ID, source.id());
        labels.put(DockerLabels.SNAPSHOT_SOURCE_NAME, source.name());
        labels.put(DockerLabels.SNAPSHOT_PARENT, parent == null ? "" : parent);
        labels.put(DockerLabels.SNAPSHOT_CREATED, clock.instant().toString());
        String imageId = engine.client().commitCmd(id).withRepository(DockerLabels.SNAPSHOT_REPOSITORY + snapName).withTag("latest")
                .withLabels(labels).withPause(true).withAuthor("Sandtable").withMessage("snapshot of " + source.name()).exec();
        Image image = engine.client().listImagesCmd().withLabelFilter(Map.of(DockerLabels.SNAPSHOT_NAME, snapName)).exec().stream()
                .filter(i -> i.getId().equals(imageId) || DockerMapping.shortId(i.getId()).equals(DockerMapping.shortId(imageId)))
                .findFirst().orElseThrow(() -> new SandtableException(ErrorCode.INTERNAL, "the snapshot image " + imageId + " vanished right after the commit"));
        return DockerMapping.snapshot(image);
    }

    Sandbox restore(String snapshotRef, String sandboxName) {
        Snapshot s = resolve(snapshotRef);
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put(DockerLabels.FROM_SNAPSHOT, s.id());
        ours.put(DockerLabels.SOURCE_KIND, "snapshot");
        ours.put(DockerLabels.SOURCE_REF, s.id());
        return lifecycle.create(DockerCreateSpec.of(imageRef(s), sandboxName), ours);
    }

    void delete(String snapshotRef) {
        Snapshot s = resolve(snapshotRef);
        try {
            engine.client().removeImageCmd(imageRef(s)).withForce(false).exec();
        } catch (ConflictException e) {
            throw new SandtableException(ErrorCode.INVALID_STATE, "snapshot '" + s.name() + "' is still used by sandboxes restored from it; destroy them first ("
                    + DockerErrors.dockerMessage(e) + ")");
        } catch (NotFoundException e) {
            // deleted behind our back: done
        }
    }

    private static String imageRef(Snapshot s) {
        return s.location() != null && !s.location().startsWith("sha256:") ? s.location() : s.id();
    }

    Snapshot resolve(String ref) {
        if (ref == null || ref.isBlank()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "which snapshot? give its name or id");
        Snapshot s = find(ref);
        if (s == null) throw new SandtableException(ErrorCode.NOT_FOUND, "no snapshot named '" + ref + "' on " + engine.displayName());
        return s;
    }

    /** By name or id: the informer's list first, then the engine (a snapshot made a moment ago). */
    private Snapshot find(String ref) {
        for (Snapshot s : informer.snapshots()) if (s.name().equals(ref) || s.id().equals(ref)) return s;
        List<Image> images = engine.client().listImagesCmd().withLabelFilter(Map.of(DockerLabels.SNAPSHOT, "true")).exec();
        for (Image i : images) {
            Snapshot s = DockerMapping.snapshot(i);
            if (s.name().equals(ref) || s.id().equals(ref)) return s;
        }
        return null;
    }

    private static String hex3() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
