package dev.sandtable.dirwatch;

import java.time.Instant;

/**
 * What a polling watch knows of one entry from a listing, to tell whether it changed between two listings.
 *
 * @param identity  the inode or another id that changes when the path is replaced; null when the listing has none
 * @param size      bytes
 * @param modified  the modification time; null when unknown
 * @param mode      permission bits; 0 when the listing has none
 * @param directory a directory (its size and time change with its entries: not a write)
 */
public record FileStamp(String identity, long size, Instant modified, long mode, boolean directory) {
}
