package dev.sandtable.local;

import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.BackendEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records every event and renders it as one short line, so tests can compare whole sequences. */
final class RecordingListener implements Consumer<BackendEvent> {
    private final List<BackendEvent> events = new ArrayList<>();

    @Override
    public synchronized void accept(BackendEvent e) {
        events.add(e);
    }

    synchronized List<BackendEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<String> lines() {
        return events.stream().map(RecordingListener::line).toList();
    }

    static String line(BackendEvent e) {
        return switch (e) {
            case BackendEvent.Synced s -> "synced " + s.inventory().sandboxes().size() + " sandboxes";
            case BackendEvent.Upserted u -> switch (u.resource()) {
                case Sandbox s -> "upsert sandbox " + s.name() + " " + s.state();
                case Pool p -> "upsert pool " + p.name();
                default -> "upsert " + u.resource().resourceKind().name().toLowerCase() + " " + u.resource().name();
            };
            case BackendEvent.Removed r -> "removed " + r.kind().name().toLowerCase();
            case BackendEvent.Lifecycle l -> lifecycle(l.event());
            case BackendEvent.Connection c -> "connection " + c.state();
        };
    }

    private static String lifecycle(LifecycleEvent e) {
        return "lifecycle " + e.resourceKind().name().toLowerCase() + " " + e.resourceName() + " " + e.action()
                + (e.to() != null ? " " + e.from() + "->" + e.to() : "");
    }
}
