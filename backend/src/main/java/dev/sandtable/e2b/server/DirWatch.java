package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;

/**
 * envd's WatchDir on the host. Each event is a {@code WatchDirResponse} ({@code {"filesystem":{name, type, entry?}}},
 * name relative to the watched directory); an empty object in the queue means the watch failed (see
 * {@link #failure()}) and nothing more will come.
 */
sealed interface DirWatch extends AutoCloseable permits InotifyDirWatch, JdkDirWatch {
    /** Linux inotify where it can be called, else the JDK's WatchService (no RENAME or CHMOD events). */
    static DirWatch open(WatchTarget target) throws IOException {
        if (Inotify.AVAILABLE && !Boolean.getBoolean("sandtable.envd.jdkWatch")) return new InotifyDirWatch(target);
        return new JdkDirWatch(target);
    }

    BlockingQueue<ObjectNode> events();

    /** Why the watch ended, once the empty message has been queued. */
    String failure();

    /** Stops watching and releases the watches; idempotent. */
    @Override
    void close();
}
