package dev.sandtable.app.viewmodel;

import dev.sandtable.model.LifecycleEvent;
import dev.sandtable.model.ResourceKind;
import dev.sandtable.model.SandboxState;

import java.time.Instant;

/**
 * One line of a timeline: a lifecycle event from a backend, or the failure of an operation started here.
 *
 * @param at      when it happened
 * @param backend backend display name
 * @param kind    the resource kind, or null for an operation failure
 * @param subject the resource's name
 * @param from    previous state, or null
 * @param to      new state, or null
 * @param action  "paused", "created", "failed", ...
 * @param detail  more text, or null
 * @param error   true for failures
 */
public record ActivityEntry(Instant at, String backend, ResourceKind kind, String resourceKey, String subject,
                           SandboxState from, SandboxState to, String action, String detail, boolean error) {

    public static ActivityEntry of(String backend, LifecycleEvent e) {
        return new ActivityEntry(e.at(), backend, e.resourceKind(), e.resourceKey(), e.resourceName(), e.from(), e.to(),
                e.action(), e.detail(), "failed".equalsIgnoreCase(e.action()));
    }

    public static ActivityEntry failure(Instant at, String backend, String subject, String what, String message) {
        return new ActivityEntry(at, backend, null, null, subject, null, null, what + " failed", message, true);
    }

    /** "running → paused", "→ running", or "" when no state changed. */
    public String transition() {
        if (to == null) return "";
        if (from == null) return "→ " + to.label().toLowerCase();
        if (from == to) return to.label().toLowerCase();
        return from.label().toLowerCase() + " → " + to.label().toLowerCase();
    }
}
