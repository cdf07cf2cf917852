package dev.sandtable.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAPI 3.0 document from {@code shared/specs} used as a contract: a response (status, content type, body) is
 * checked field by field against what the spec documents for that operation. One checker for every spec (E2B's
 * control plane {@code openapi.yml}, envd's {@code envd.yaml}). It understands what those specs use: {@code $ref}
 * (schemas, responses), {@code type}, {@code format} (date-time, int32, int64), {@code enum}, {@code required},
 * {@code properties}, {@code additionalProperties} (a schema or false), {@code items}, {@code nullable},
 * {@code allOf}, {@code oneOf}, {@code anyOf}.
 */
public final class OpenApiSpec {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, OpenApiSpec> SHARED = new java.util.concurrent.ConcurrentHashMap<>();

    private final String name;
    private final JsonNode doc;

    private OpenApiSpec(String name, JsonNode doc) {
        this.name = name;
        this.doc = doc;
    }

    /**
     * {@code shared/specs/<relative>}, found beside the checkout (as CI has it) from the working directory or any of
     * its parents; skips (fails under CI) when it is not there.
     */
    public static OpenApiSpec shared(String relative) {
        OpenApiSpec cached = SHARED.get(relative);
        if (cached != null) return cached;
        Path found = SharedSpecs.require(relative);
        OpenApiSpec spec = parse(relative, readString(found));
        SHARED.put(relative, spec);
        return spec;
    }

    public static OpenApiSpec parse(String name, String yaml) {
        try {
            return new OpenApiSpec(name, YAML.readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The paths the spec defines, with their methods in upper case ("GET /files"), optionally without x-internal ones. */
    public Set<String> operations(boolean includeInternal) {
        Set<String> ops = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            var path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                var op = m.next();
                if (op.getKey().equals("parameters")) continue;
                if (!includeInternal && op.getValue().path("x-internal").asBoolean(false)) continue;
                ops.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }
        return ops;
    }

    /** A component schema by name, e.g. "Error". */
    public JsonNode schema(String component) {
        JsonNode s = doc.path("components").path("schemas").path(component);
        if (s.isMissingNode()) throw new IllegalArgumentException(name + " has no schema " + component);
        return s;
    }

    /**
     * What is wrong with a response to {@code method pathTemplate} (the path as the spec writes it, e.g.
     * {@code /sandboxes/{sandboxID}}): an undocumented status, a content type the spec does not give for it, a body
     * where none is documented, and every schema violation of a JSON body. Empty when it conforms.
     */
    public List<String> violations(String method, String pathTemplate, int status, String contentType, byte[] body) {
        List<String> out = new ArrayList<>();
        JsonNode op = doc.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            out.add(name + " does not define " + method + " " + pathTemplate);
            return out;
        }
        JsonNode response = op.path("responses").path(Integer.toString(status));
        if (response.isMissingNode()) response = op.path("responses").path("default");
        if (response.isMissingNode()) {
            out.add("status " + status + " is not documented for " + method + " " + pathTemplate + " (documented: "
                    + fieldNames(op.path("responses")) + ")");
            return out;
        }
        response = resolve(response);
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            if (body != null && body.length > 0)
                out.add(method + " " + pathTemplate + " " + status + " documents no body, got " + body.length + " bytes");
            return out;
        }
        String media = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode mediaSpec = content.path(media);
        if (mediaSpec.isMissingNode()) {
            out.add(method + " " + pathTemplate + " " + status + ": content type '" + contentType + "' is not one of "
                    + fieldNames(content));
            return out;
        }
        if (!media.equals("application/json")) return out;
        JsonNode json;
        try {
            json = JSON.readTree(body == null ? new byte[0] : body);
        } catch (IOException e) {
            out.add(method + " " + pathTemplate + " " + status + ": the body is not JSON: " + e.getMessage());
            return out;
        }
        if (json == null || json.isMissingNode()) {
            out.add(method + " " + pathTemplate + " " + status + ": the JSON body is empty");
            return out;
        }
        validate(mediaSpec.path("schema"), json, "$", out);
        return out;
    }

    /**
     * The spec's path template a concrete request path matches ({@code /sandboxes/abc/pause} →
     * {@code /sandboxes/{sandboxId}/pause}), a literal segment winning over a parameter; null when none does.
     */
    public String pathTemplate(String path) {
        String[] want = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> it = doc.path("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            String[] have = t.split("/", -1);
            if (have.length != want.length) continue;
            int literals = 0;
            boolean ok = true;
            for (int i = 0; i < have.length && ok; i++) {
                if (have[i].startsWith("{") && have[i].endsWith("}")) ok = !want[i].isEmpty();
                else if (have[i].equals(want[i])) literals++;
                else ok = false;
            }
            if (ok && literals > bestLiterals) {
                best = t;
                bestLiterals = literals;
            }
        }
        return best;
    }

    /**
     * What is wrong with a request's body for {@code method pathTemplate}: a body the operation does not take, a
     * missing required body, a content type it does not document, and every schema violation of a JSON body.
     */
    public List<String> requestViolations(String method, String pathTemplate, String contentType, byte[] body) {
        List<String> out = new ArrayList<>();
        JsonNode op = doc.path("paths").path(pathTemplate).path(method.toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) {
            out.add(name + " does not define " + method + " " + pathTemplate);
            return out;
        }
        boolean hasBody = body != null && body.length > 0;
        JsonNode rb = resolve(op.path("requestBody"));
        if (rb.isMissingNode() || rb.isEmpty()) {
            if (hasBody) out.add(method + " " + pathTemplate + " takes no request body, got " + body.length + " bytes");
            return out;
        }
        if (!hasBody) {
            if (rb.path("required").asBoolean(false)) out.add(method + " " + pathTemplate + " requires a request body");
            return out;
        }
        String media = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode mediaSpec = rb.path("content").path(media);
        if (mediaSpec.isMissingNode()) {
            out.add(method + " " + pathTemplate + ": request content type '" + contentType + "' is not one of " + fieldNames(rb.path("content")));
            return out;
        }
        if (!media.equals("application/json")) return out;
        try {
            validate(mediaSpec.path("schema"), JSON.readTree(body), "$", out);
        } catch (IOException e) {
            out.add(method + " " + pathTemplate + ": the request body is not JSON: " + e.getMessage());
        }
        return out;
    }

    /** Throws an AssertionError listing every violation (see {@link #violations}). */
    public void assertResponse(String method, String pathTemplate, int status, String contentType, byte[] body) {
        List<String> v = violations(method, pathTemplate, status, contentType, body);
        if (!v.isEmpty())
            throw new AssertionError("the response does not conform to " + name + ":\n  " + String.join("\n  ", v)
                    + "\nbody: " + (body == null ? "" : new String(body, StandardCharsets.UTF_8)));
    }

    public void assertResponse(String method, String pathTemplate, int status, String contentType, JsonNode body) {
        assertResponse(method, pathTemplate, status, contentType, body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Schema violations of {@code value} against {@code schema} (which may be a {@code $ref}), named by JSON path. */
    public List<String> validate(JsonNode schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        validate(schema, value, "$", out);
        return out;
    }

    private void validate(JsonNode schema, JsonNode value, String at, List<String> out) {
        schema = resolve(schema);
        if (value.isNull()) {
            boolean nullType = schema.path("type").asText("").equals("null") || typeList(schema).contains("null");
            boolean alternatives = schema.has("oneOf") || schema.has("anyOf");
            if (nullType || schema.path("nullable").asBoolean(false) || schema.isEmpty()) return;
            if (!alternatives) {
                out.add(at + " is null but not nullable");
                return;
            }
        }
        for (JsonNode part : schema.path("allOf")) validate(part, value, at, out);
        if (schema.has("oneOf") || schema.has("anyOf")) {
            boolean one = schema.has("oneOf");
            int matching = 0;
            List<String> why = new ArrayList<>();
            for (JsonNode alt : schema.path(one ? "oneOf" : "anyOf")) {
                List<String> v = new ArrayList<>();
                validate(alt, value, at, v);
                if (v.isEmpty()) matching++;
                else why.addAll(v);
            }
            if (one ? matching != 1 : matching == 0)
                out.add(at + " matches " + matching + " of the " + (one ? "oneOf" : "anyOf") + " alternatives " + why);
        }
        String type = schema.path("type").asText(schema.has("properties") || schema.has("required") ? "object" : "");
        List<String> types = typeList(schema);
        if (!types.isEmpty()) { // OpenAPI 3.1: a list of types, e.g. [string, "null"]
            if (value.isNull()) return;
            types.remove("null");
            type = types.size() == 1 ? types.getFirst() : "";
        }
        if (type.equals("null")) {
            if (!value.isNull()) out.add(at + " should be null, is " + value.getNodeType());
            return;
        }
        if (value.isNull()) return;
        switch (type) {
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(at + " should be a string, is " + value.getNodeType());
                    return;
                }
                if (schema.path("format").asText("").equals("date-time")) {
                    try {
                        OffsetDateTime.parse(value.asText());
                    } catch (DateTimeParseException e) {
                        out.add(at + " is not an RFC 3339 date-time: " + value.asText());
                    }
                }
                if (schema.has("maxLength") && value.asText().length() > schema.get("maxLength").asInt())
                    out.add(at + " is longer than " + schema.get("maxLength").asInt());
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(at + " should be an integer, is " + value.getNodeType() + " " + value);
                    return;
                }
                if (schema.path("format").asText("").equals("int32") && !value.canConvertToInt())
                    out.add(at + " does not fit int32: " + value);
                if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong())
                    out.add(at + " is below the minimum " + schema.get("minimum").asLong() + ": " + value);
            }
            case "number" -> {
                if (!value.isNumber()) out.add(at + " should be a number, is " + value.getNodeType());
            }
            case "boolean" -> {
                if (!value.isBoolean()) out.add(at + " should be a boolean, is " + value.getNodeType());
            }
            case "array" -> {
                if (!value.isArray()) {
                    out.add(at + " should be an array, is " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) validate(schema.path("items"), value.get(i), at + "[" + i + "]", out);
            }
            case "object" -> {
                if (!value.isObject()) {
                    out.add(at + " should be an object, is " + value.getNodeType());
                    return;
                }
                for (JsonNode req : schema.path("required"))
                    if (!value.has(req.asText())) out.add(at + "." + req.asText() + " is required but missing");
                JsonNode props = schema.path("properties");
                JsonNode extra = schema.path("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    var f = it.next();
                    if (props.has(f.getKey())) validate(props.get(f.getKey()), f.getValue(), at + "." + f.getKey(), out);
                    else if (extra.isBoolean() && !extra.asBoolean()) out.add(at + "." + f.getKey() + " is not allowed");
                    else if (extra.isObject()) validate(extra, f.getValue(), at + "." + f.getKey(), out);
                }
            }
            default -> {
                // no type: anything goes (besides what allOf/oneOf said)
            }
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode e : schema.get("enum")) listed |= e.equals(value);
            if (!listed) out.add(at + " is " + value + ", not one of " + schema.get("enum"));
        }
    }

    private static List<String> typeList(JsonNode schema) {
        List<String> types = new ArrayList<>();
        if (schema.path("type").isArray()) schema.path("type").forEach(t -> types.add(t.asText()));
        return types;
    }

    /** Follows local {@code $ref}s ("#/components/..."). */
    private JsonNode resolve(JsonNode node) {
        int hops = 0;
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith("#/")) throw new IllegalArgumentException("only local $refs are supported: " + ref);
            node = doc.at(ref.substring(1));
            if (node.isMissingNode()) throw new IllegalArgumentException(name + ": dangling $ref " + ref);
            if (++hops > 32) throw new IllegalArgumentException(name + ": $ref cycle at " + ref);
        }
        return node;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
