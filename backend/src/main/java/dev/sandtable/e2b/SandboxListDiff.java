package dev.sandtable.e2b;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.Resource;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Platforms without a watch (E2B, OpenSandbox) give successive lists. This turns two lists into the events between
 * them: Upserted for new or changed sandboxes, pools and snapshots, Removed for vanished ones, and a Lifecycle entry
 * per sandbox appearance, state change and disappearance.
 */
public final class SandboxListDiff {
    private SandboxListDiff() {
    }

    /** The events from one inventory to the next (sandboxes, pools and snapshots; templates are not diffed). */
    public static List<BackendEvent> between(Inventory before, Inventory after, Instant now) {
        List<BackendEvent> out = new ArrayList<>(between(byId(before.sandboxes()), byId(after.sandboxes()), now));
        diff(byKey(before.pools()), byKey(after.pools()), ResourceKind.POOL, out);
        diff(byKey(before.snapshots()), byKey(after.snapshots()), ResourceKind.SNAPSHOT, out);
        return out;
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
                        SandboxState.TERMINATED, "gone", "no longer listed by the platform")));
            }
        }
        return out;
    }

    private static <R extends Resource> void diff(Map<String, R> before, Map<String, R> after, ResourceKind kind, List<BackendEvent> out) {
        for (R r : after.values()) if (!r.equals(before.get(r.key()))) out.add(new BackendEvent.Upserted(r));
        for (String key : before.keySet()) if (!after.containsKey(key)) out.add(new BackendEvent.Removed(kind, key));
    }

    private static BackendEvent lifecycle(Instant now, Sandbox s, Sandbox old, String action, String detail) {
        return new BackendEvent.Lifecycle(new LifecycleEvent(now, ResourceKind.SANDBOX, s.id(), s.name(),
                old == null ? null : old.state(), s.state(), action, detail));
    }

    public static Map<String, Sandbox> byId(List<Sandbox> list) {
        return byKey(list);
    }

    private static <R extends Resource> Map<String, R> byKey(List<R> list) {
        Map<String, R> m = new LinkedHashMap<>();
        for (R r : list) m.put(r.key(), r);
        return m;
    }
}
