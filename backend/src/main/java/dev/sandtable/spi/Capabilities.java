package dev.sandtable.spi;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** What a backend can do; for each missing operation, the reason shown in the disabled control's tooltip. */
public record Capabilities(Map<Operation, String> unsupported) {
    public Capabilities {
        unsupported = Map.copyOf(unsupported);
    }

    public static Capabilities all() {
        return new Capabilities(Map.of());
    }

    public boolean supports(Operation op) {
        return !unsupported.containsKey(op);
    }

    public Optional<String> whyNot(Operation op) {
        return Optional.ofNullable(unsupported.get(op));
    }

    public Capabilities with(Operation op) {
        Map<Operation, String> copy = new EnumMap<>(Operation.class);
        copy.putAll(unsupported);
        copy.remove(op);
        return new Capabilities(copy);
    }

    public Capabilities without(Operation op, String reason) {
        Map<Operation, String> copy = new EnumMap<>(Operation.class);
        copy.putAll(unsupported);
        copy.put(op, reason);
        return new Capabilities(copy);
    }
}
