package dev.sandtable.local;

import dev.sandtable.model.Snapshot;

import java.util.List;

/**
 * {@code manifest.json} of a snapshot: the snapshot itself and every entry of its tree, so a restore can prove the
 * copy is intact before it uses it.
 *
 * @param format  manifest format version
 * @param snapshot the snapshot as listed
 * @param entries directories, files and symlinks, parents before children; paths relative to the tree, '/'-separated
 */
record SnapshotManifest(int format, Snapshot snapshot, List<Entry> entries) {
    static final int FORMAT = 1;

    SnapshotManifest {
        entries = List.copyOf(entries);
    }

    enum Type { DIRECTORY, FILE, SYMLINK }

    /**
     * @param mode   permission bits in octal, e.g. "0644"
     * @param size   bytes (files only)
     * @param sha256 hex digest of the content (files only)
     * @param target link target (symlinks only)
     */
    record Entry(String path, Type type, String mode, long size, String sha256, String target) {
    }
}
