package dev.sandtable.local;

import dev.sandtable.model.Sandbox;

/** What a {@link WarmPool} needs from the runtime: sandboxes to make, pause, resume and destroy, and a way to publish. */
interface PoolMembers {

    /** Creates a running member of {@code pool}; throws SandtableException on failure. */
    Sandbox create(WarmPool pool);

    /** Pauses a member; throws SandtableException when it cannot (it is dead or gone). */
    void pause(String sandboxId);

    /** Resumes a member and checks it is alive; false when it is dead, gone or will not resume. */
    boolean resumeAlive(String sandboxId);

    /** Destroys a member; never throws. */
    void destroy(String sandboxId);

    /** The member as it is now, or null when gone. */
    Sandbox view(String sandboxId);

    /** Publishes the pool's current view (and a lifecycle entry when {@code action} is not null). */
    void changed(WarmPool pool, String action, String detail);

    /** A lifecycle entry for a member ("claimed", "released"). */
    void memberEvent(String sandboxId, String action, String detail);

    void runInBackground(Runnable task);
}
