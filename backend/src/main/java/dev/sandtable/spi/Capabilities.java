package dev.sandtable.spi;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** What a backend can do; for each missing operation, the reason shown in the disabled control's tooltip. */
public record Capabilities(Map<Operation, String> unsupported) {
    public Capabilities {
        unsupported = Map.copyOf(unsupported);
    }

    /** Why {@link Operation#STOP} is off unless a backend turns it on: most backends have no stopped state. */
    public static final String NO_STOPPED_STATE = "this backend has no stopped state: pause the sandbox, or destroy it";

    /**
     * Every operation but the opt-in {@link Operation#STOP}, which a backend with a stopped state (Docker) adds with
     * {@code with(Operation.STOP)}.
     */
    public static Capabilities all() {
        return new Capabilities(Map.of(Operation.STOP, NO_STOPPED_STATE));
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
