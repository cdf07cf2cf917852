package dev.sandtable.docker;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Image;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Containers as sandboxes, images as templates, snapshot images as snapshots.
 *
 * <p>State: {@code created} → PENDING, {@code running} → RUNNING, {@code paused} → PAUSED, {@code restarting} →
 * STARTING, {@code removing} → STOPPING, {@code exited} with code 0 → SUSPENDED (stopped, its file system kept:
 * Resume starts it again), with another code (or {@code dead}) → FAILED with the code as the reason. The raw state is Docker's word, with the exit code when
 * exited ("paused", "exited (137)"), so it changes only when the state does.
 */
final class DockerMapping {
    static final Isolation ISOLATION = new Isolation("container", true,
            "Docker container: own pid, mount, ipc, uts and network namespaces and cgroup; shares the engine's kernel");
    private static final Pattern EXIT = Pattern.compile("Exited \\((-?\\d+)\\)");

    private DockerMapping() {
    }

    static String shortId(String id) {
        if (id == null) return null;
        String s = id.startsWith("sha256:") ? id.substring(7) : id;
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    static String containerName(String[] names) {
        if (names == null || names.length == 0) return null;
        String n = names[0];
        return n.startsWith("/") ? n.substring(1) : n;
    }

    static Sandbox sandbox(Container c, Instant seenAt, Sandbox previous) {
        Instant created = c.getCreated() == null ? seenAt : Instant.ofEpochSecond(c.getCreated());
        return sandbox(c.getId(), containerName(c.getNames()), c.getImage(), created, c.getState(), exitCode(c.getStatus()),
                c.getLabels(), seenAt, previous);
    }

    /** From an inspect: unlike the list, it reads the live state (the list lags behind the event of a pause). */
    static Sandbox sandbox(com.github.dockerjava.api.command.InspectContainerResponse c, Instant seenAt, Sandbox previous) {
        var st = c.getState();
        Instant created = parse(c.getCreated());
        if (created == null) created = seenAt;
        String image = c.getConfig() != null && c.getConfig().getImage() != null ? c.getConfig().getImage() : c.getImageId();
        Map<String, String> labels = c.getConfig() == null ? null : c.getConfig().getLabels();
        int code = st == null || st.getExitCodeLong() == null ? 0 : st.getExitCodeLong().intValue();
        return sandbox(c.getId(), containerName(new String[]{c.getName()}), image, created, st == null ? null : st.getStatus(), code,
                labels, seenAt, previous);
    }

    static Sandbox sandbox(String fullId, String containerName, String image, Instant created, String dockerState, int exitCode,
                           Map<String, String> labelsOrNull, Instant seenAt, Sandbox previous) {
        Map<String, String> labels = labelsOrNull == null ? Map.of() : labelsOrNull;
        String id = shortId(fullId);
        String name = containerName == null ? id : containerName;
        String word = dockerState == null ? "unknown" : dockerState.toLowerCase(Locale.ROOT);
        SandboxState state = state(word, exitCode);
        String raw = word.equals("exited") ? "exited (" + exitCode + ")" : word;
        String reason = state == SandboxState.FAILED ? (word.equals("dead") ? "dead" : exitCode == 137 ? "exit code 137 (killed)" : "exit code " + exitCode)
                : state == SandboxState.SUSPENDED ? "stopped; Resume starts it again" : null;
        Instant changed = previous == null ? created : previous.state() == state ? previous.stateChangedAt() : seenAt;
        SourceKind kind = SourceKind.IMAGE;
        String sourceRef = image;
        if (labels.containsKey(DockerLabels.POOL)) {
            kind = SourceKind.POOL;
            sourceRef = labels.get(DockerLabels.POOL);
        } else if (labels.containsKey(DockerLabels.FROM_SNAPSHOT)) {
            kind = SourceKind.SNAPSHOT;
            sourceRef = labels.get(DockerLabels.FROM_SNAPSHOT);
        }
        return new Sandbox(id, name, image, kind, sourceRef, state, raw, reason, created, changed, null,
                ISOLATION, labels.get(DockerLabels.POOL), labels);
    }

    static SandboxState state(String state, int exitCode) {
        String s = state == null ? "" : state.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "created" -> SandboxState.PENDING;
            case "running" -> SandboxState.RUNNING;
            case "paused" -> SandboxState.PAUSED;
            case "restarting" -> SandboxState.STARTING;
            case "removing" -> SandboxState.STOPPING;
            case "exited" -> exitCode == 0 ? SandboxState.SUSPENDED : SandboxState.FAILED;
            case "dead" -> SandboxState.FAILED;
            default -> SandboxState.UNKNOWN;
        };
    }

    /** The exit code in a list's status text ("Exited (137) 2 seconds ago"); 0 when there is none. */
    static int exitCode(String status) {
        if (status == null) return 0;
        Matcher m = EXIT.matcher(status);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static boolean isSnapshot(Image i) {
        return i.getLabels() != null && "true".equals(i.getLabels().get(DockerLabels.SNAPSHOT));
    }

    static Snapshot snapshot(Image i) {
        Map<String, String> l = i.getLabels();
        String id = shortId(i.getId());
        String name = l.getOrDefault(DockerLabels.SNAPSHOT_NAME, id);
        Instant created = parse(l.get(DockerLabels.SNAPSHOT_CREATED));
        if (created == null && i.getCreated() != null) created = Instant.ofEpochSecond(i.getCreated());
        String location = i.getRepoTags() != null && i.getRepoTags().length > 0 ? i.getRepoTags()[0] : i.getId();
        long size = i.getSize() == null ? 0 : i.getSize();
        return new Snapshot(id, name, l.get(DockerLabels.SNAPSHOT_SOURCE_ID), l.get(DockerLabels.SNAPSHOT_SOURCE_NAME),
                blankToNull(l.get(DockerLabels.SNAPSHOT_PARENT)), SnapshotKind.OCI_IMAGE, SnapshotState.READY, size, 0, created, location);
    }

    /** One template per repository tag; untagged (dangling) images are not templates. */
    static List<Template> templates(Image i) {
        List<Template> out = new ArrayList<>();
        if (i.getRepoTags() == null) return out;
        Instant created = i.getCreated() == null ? null : Instant.ofEpochSecond(i.getCreated());
        long size = i.getSize() == null ? 0 : i.getSize();
        for (String tag : i.getRepoTags()) {
            if (tag == null || tag.startsWith("<none>")) continue;
            out.add(new Template(tag, tag, TemplateKind.IMAGE, shortId(i.getId()),
                    "image " + shortId(i.getId()) + ", " + (size / (1024 * 1024)) + " MiB", created));
        }
        return out;
    }

    static Map<String, String> labels(Map<String, String> user, Map<String, String> ours) {
        Map<String, String> all = new LinkedHashMap<>(user);
        all.putAll(ours);
        return all;
    }

    private static Instant parse(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
