package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.model.TemplateKind;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Maps E2B's ListedSandbox, Sandbox and Template JSON onto the model. */
final class E2bMapping {
    /** Metadata key that carries the Sandtable name (E2B sandboxes have only ids). */
    static final String NAME_KEY = "sandtable.name";

    private E2bMapping() {
    }

    static Isolation isolation(String apiUrl) {
        return new Isolation("platform", true, "isolated by the E2B-compatible platform at " + apiUrl
                + " (E2B cloud uses Firecracker microVMs); the API does not say which mechanism");
    }

    /** A ListedSandbox or SandboxDetail. */
    static Sandbox sandbox(JsonNode n, Isolation isolation) {
        String id = n.path("sandboxID").asText();
        Map<String, String> meta = new LinkedHashMap<>();
        n.path("metadata").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
        String name = meta.getOrDefault(NAME_KEY, id);
        String raw = n.path("state").asText("running").toLowerCase(Locale.ROOT);
        SandboxState state = switch (raw) {
            case "running" -> SandboxState.RUNNING;
            case "paused" -> SandboxState.PAUSED;
            case "pausing" -> SandboxState.PAUSING;
            case "resuming" -> SandboxState.RESUMING;
            case "killed", "killing" -> SandboxState.STOPPING;
            default -> SandboxState.UNKNOWN;
        };
        String template = text(n, "templateID");
        String alias = text(n, "alias");
        Instant started = time(n, "startedAt");
        return new Sandbox(id, name, template, SourceKind.TEMPLATE, alias != null ? alias : template, state, raw, null,
                started, started, time(n, "endAt"), isolation, null, meta);
    }

    /** The reply of create or connect: a Sandbox without state or times. */
    static Sandbox created(JsonNode n, String name, Map<String, String> metadata, Instant now, Instant expires, Isolation isolation) {
        String id = n.path("sandboxID").asText();
        String template = text(n, "templateID");
        String alias = text(n, "alias");
        return new Sandbox(id, name == null ? id : name, template, SourceKind.TEMPLATE, alias != null ? alias : template,
                SandboxState.RUNNING, "running", null, now, now, expires, isolation, null, metadata);
    }

    static Template template(JsonNode n) {
        String id = n.path("templateID").asText();
        JsonNode aliases = n.path("aliases");
        String name = aliases.isArray() && !aliases.isEmpty() ? aliases.get(0).asText() : id;
        String desc = n.path("cpuCount").isMissingNode() ? "E2B template"
                : n.path("cpuCount").asInt() + " vCPU, " + n.path("memoryMB").asInt() + " MB";
        return new Template(id, name, TemplateKind.PLATFORM, null, desc, time(n, "createdAt"));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    static Instant time(JsonNode n, String field) {
        String s = text(n, field);
        if (s == null) return null;
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
