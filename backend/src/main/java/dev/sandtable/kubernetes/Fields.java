package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Reading fields of a custom resource's untyped {@code spec}/{@code status} maps without casts at every call. */
final class Fields {
    private Fields() {
    }

    static Object get(GenericKubernetesResource r, String... path) {
        Object cur = r.getAdditionalProperties();
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = m.get(p);
        }
        return cur;
    }

    static String string(GenericKubernetesResource r, String... path) {
        Object o = get(r, path);
        return o == null ? null : o.toString();
    }

    static Integer integer(GenericKubernetesResource r, String... path) {
        Object o = get(r, path);
        if (o instanceof Number n) return n.intValue();
        if (o instanceof String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(GenericKubernetesResource r, String... path) {
        Object o = get(r, path);
        if (!(o instanceof List<?> l)) return List.of();
        return l.stream().filter(Map.class::isInstance).map(e -> (Map<String, Object>) e).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(GenericKubernetesResource r, String... path) {
        Object o = get(r, path);
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    static Instant instant(Object o) {
        if (o == null) return null;
        try {
            return Instant.parse(o.toString());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
