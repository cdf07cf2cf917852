package dev.sandtable.local;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before each chunk a snapshot writes: tests inject faults (a full disk) or slow the copy down with it.
 * The default does nothing.
 */
@FunctionalInterface
public interface SnapshotWriteHook {
    SnapshotWriteHook NONE = (file, bytesSoFar, chunk) -> {
    };

    /**
     * @param file        the file being written in the snapshot's temporary folder
     * @param bytesSoFar  bytes this snapshot has written so far, all files together
     * @param chunk       bytes about to be written
     */
    void beforeWrite(Path file, long bytesSoFar, int chunk) throws IOException;
}
