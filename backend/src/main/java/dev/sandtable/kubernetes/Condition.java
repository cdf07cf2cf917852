package dev.sandtable.kubernetes;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One entry of a resource's {@code status.conditions}. */
public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {

    public boolean isTrue() {
        return "True".equals(status);
    }

    public boolean isFalse() {
        return "False".equals(status);
    }

    static List<Condition> of(List<Map<String, Object>> raw) {
        return raw.stream().map(m -> new Condition(str(m.get("type")), str(m.get("status")), str(m.get("reason")),
                str(m.get("message")), Fields.instant(m.get("lastTransitionTime")))).toList();
    }

    static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
