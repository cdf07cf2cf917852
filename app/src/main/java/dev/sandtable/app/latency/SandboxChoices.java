package dev.sandtable.app.latency;

import dev.sandtable.app.viewmodel.BackendViewModel;
import dev.sandtable.app.viewmodel.LiveInventory;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The lab's sandbox choices from the main window's inventory: per backend a temporary sandbox, then its running sandboxes. */
public final class SandboxChoices {
    private SandboxChoices() {
    }

    public static String key(Row<Sandbox> row) {
        return row.backend().id() + "/" + row.value().key();
    }

    public static List<SandboxChoice> of(LiveInventory inventory) {
        List<SandboxChoice> out = new ArrayList<>();
        List<Row<Sandbox>> rows = new ArrayList<>(inventory.sandboxes().allRows());
        rows.sort(Comparator.comparing((Row<Sandbox> r) -> r.value().name()));
        for (BackendViewModel b : inventory.backends()) {
            LabEndpoints.Resolved own = LabEndpoints.of(b.backend());
            out.add(new SandboxChoice(b.id() + "/", b.displayName(), null, null, own.target(), own.whyNot()));
            for (Row<Sandbox> r : rows) {
                if (r.backend() != b) continue;
                Sandbox s = r.value();
                String why = own.whyNot() != null ? own.whyNot()
                        : s.state() != SandboxState.RUNNING ? s.name() + " is " + s.state().label().toLowerCase(java.util.Locale.ROOT)
                        + "; only running sandboxes can be probed" : null;
                out.add(new SandboxChoice(key(r), b.displayName(), s.key(), s.name(), own.target(), why));
            }
        }
        return out;
    }
}
