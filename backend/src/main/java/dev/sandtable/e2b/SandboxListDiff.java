package dev.sandtable.e2b;

import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.BackendEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * E2B has no watch: the live view is successive lists. This turns two lists into the events between them:
 * Upserted for new or changed sandboxes, Removed for vanished ones, and a Lifecycle entry per appearance,
 * state change and disappearance.
 */
final class SandboxListDiff {
    private SandboxListDiff() {
    }

    static List<BackendEvent> between(Map<String, Sandbox> before, Map<String, Sandbox> after, Instant now) {
        List<BackendEvent> out = new ArrayList<>();
        for (Sandbox s : after.values()) {
            Sandbox old = before.get(s.id());
            if (old == null) {
                out.add(new BackendEvent.Upserted(s));
                out.add(lifecycle(now, s, null, "appeared", null));
            } else if (!old.equals(s)) {
                out.add(new BackendEvent.Upserted(s));
                if (old.state() != s.state()) out.add(lifecycle(now, s, old, s.state().label().toLowerCase(java.util.Locale.ROOT), null));
            }
        }
        for (Sandbox old : before.values()) {
            if (!after.containsKey(old.id())) {
                out.add(new BackendEvent.Removed(ResourceKind.SANDBOX, old.id()));
                out.add(new BackendEvent.Lifecycle(new LifecycleEvent(now, ResourceKind.SANDBOX, old.id(), old.name(), old.state(),
                        dev.sandtable.model.SandboxState.TERMINATED, "gone", "no longer listed by the platform")));
            }
        }
        return out;
    }

    private static BackendEvent lifecycle(Instant now, Sandbox s, Sandbox old, String action, String detail) {
        return new BackendEvent.Lifecycle(new LifecycleEvent(now, ResourceKind.SANDBOX, s.id(), s.name(),
                old == null ? null : old.state(), s.state(), action, detail));
    }

    static Map<String, Sandbox> byId(List<Sandbox> list) {
        Map<String, Sandbox> m = new LinkedHashMap<>();
        for (Sandbox s : list) m.put(s.id(), s);
        return m;
    }
}
