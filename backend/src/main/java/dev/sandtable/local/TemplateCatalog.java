package dev.sandtable.local;

import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The templates the local runtime offers: the built-in {@code host-shell} and those made from snapshots, saved as
 * {@code templates/<id>.json}. Looked up by id or name.
 */
final class TemplateCatalog {
    static final String HOST_SHELL = "host-shell";
    private static final Template HOST_SHELL_TEMPLATE = new Template(HOST_SHELL, HOST_SHELL, TemplateKind.HOST_SHELL, null,
            "Host binaries, an empty workspace", null);

    private final JsonDir<Template> files;
    private final Map<String, Template> byId = new LinkedHashMap<>();

    TemplateCatalog(Path dir) throws IOException {
        files = new JsonDir<>(dir, Template.class);
        byId.put(HOST_SHELL, HOST_SHELL_TEMPLATE);
        for (Template t : files.load()) byId.put(t.id(), t);
    }

    synchronized List<Template> all() {
        return new ArrayList<>(byId.values());
    }

    /** By id or name; NOT_FOUND lists what is available. */
    synchronized Template resolve(String ref) {
        Template t = byId.get(ref);
        if (t != null) return t;
        for (Template x : byId.values()) if (x.name().equals(ref)) return x;
        throw new SandtableException(ErrorCode.NOT_FOUND, "no template named '" + ref + "'; available templates: "
                + byId.values().stream().map(Template::name).collect(Collectors.joining(", ")));
    }

    /** Names of the templates made from {@code snapshotId}. */
    synchronized List<String> madeFrom(String snapshotId) {
        return byId.values().stream().filter(t -> snapshotId.equals(t.sourceRef())).map(Template::name).toList();
    }

    /** Makes and saves a template of {@code snapshot}'s files; ALREADY_EXISTS when the name is taken. */
    Template add(Snapshot snapshot, String name) {
        Template t;
        synchronized (this) {
            if (byId.values().stream().anyMatch(x -> x.name().equals(name) || x.id().equals(name)))
                throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a template named '" + name + "' already exists");
            t = new Template("tpl-" + FriendlyNames.hex(6), name, TemplateKind.SNAPSHOT, snapshot.id(),
                    "Files of snapshot '" + snapshot.name() + "' (from sandbox '" + snapshot.sourceSandboxName() + "')",
                    Instant.now());
            byId.put(t.id(), t);
        }
        try {
            files.save(t.id(), t);
        } catch (IOException e) {
            synchronized (this) {
                byId.remove(t.id());
            }
            throw new SandtableException(ErrorCode.INTERNAL, "could not save template '" + name + "': " + e.getMessage(), e);
        }
        return t;
    }

    /** Deletes a template made from a snapshot; the built-in one is refused. */
    void remove(Template t) {
        if (t.templateKind() == TemplateKind.HOST_SHELL)
            throw new SandtableException(ErrorCode.INVALID_STATE, "the built-in template '" + t.name() + "' cannot be deleted");
        synchronized (this) {
            byId.remove(t.id());
        }
        try {
            files.delete(t.id());
        } catch (IOException e) {
            synchronized (this) {
                byId.put(t.id(), t);
            }
            throw new SandtableException(ErrorCode.INTERNAL, "could not delete template '" + t.name() + "': " + e.getMessage(), e);
        }
    }
}
