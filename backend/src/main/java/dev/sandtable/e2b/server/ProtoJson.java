package dev.sandtable.e2b.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sandtable.json.Json;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing proto3 JSON by hand: fields by their lowerCamelCase name or the original snake_case, enums by
 * name or number, bytes as base64 (either alphabet), int64 as strings.
 */
final class ProtoJson {
    private ProtoJson() {
    }

    static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) return Json.mapper().createObjectNode();
        try {
            JsonNode n = Json.mapper().readTree(bytes);
            if (n == null || n.isNull()) return Json.mapper().createObjectNode();
            if (!n.isObject()) throw ConnectError.invalidArgument("the request message must be a JSON object");
            return n;
        } catch (JacksonException e) {
            throw ConnectError.invalidArgument("the request is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ConnectError.invalidArgument("the request cannot be read: " + e.getMessage());
        }
    }

    static ObjectNode object() {
        return Json.mapper().createObjectNode();
    }

    /** The field by its JSON name or its proto name; a missing node (never null) when absent. */
    static JsonNode field(JsonNode msg, String camel, String snake) {
        if (msg == null) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        JsonNode n = msg.get(camel);
        if ((n == null || n.isNull()) && snake != null) n = msg.get(snake);
        return n == null || n.isNull() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n;
    }

    static JsonNode field(JsonNode msg, String name) {
        return field(msg, name, null);
    }

    static boolean has(JsonNode msg, String camel, String snake) {
        return !field(msg, camel, snake).isMissingNode();
    }

    static String string(JsonNode msg, String name) {
        JsonNode n = field(msg, name);
        return n.isMissingNode() ? "" : n.asText();
    }

    static long number(JsonNode msg, String camel, String snake) {
        JsonNode n = field(msg, camel, snake);
        if (n.isMissingNode()) return 0;
        if (n.isNumber()) return n.asLong();
        try {
            return Long.parseLong(n.asText().trim());
        } catch (NumberFormatException e) {
            throw ConnectError.invalidArgument("field " + camel + " is not a number: " + n.asText());
        }
    }

    static boolean bool(JsonNode msg, String camel, String snake) {
        JsonNode n = field(msg, camel, snake);
        return n.isBoolean() ? n.booleanValue() : n.isTextual() && n.asText().equals("true");
    }

    static byte[] bytes(JsonNode n) {
        if (n.isMissingNode()) return new byte[0];
        String s = n.asText();
        try {
            return s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw ConnectError.invalidArgument("not valid base64: " + e.getMessage());
        }
    }

    static String base64(byte[] b, int off, int len) {
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(b, off, off + len));
    }

    /** An enum given by name ({@code SIGNAL_SIGKILL}) or number; returns its number, or -1 when unknown. */
    static int enumValue(JsonNode n, Map<String, Integer> names) {
        if (n.isMissingNode()) return 0;
        if (n.isNumber()) return n.asInt();
        Integer v = names.get(n.asText());
        if (v != null) return v;
        try {
            return Integer.parseInt(n.asText());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isObject()) n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static String timestamp(Instant t) {
        return t.toString();
    }
}
