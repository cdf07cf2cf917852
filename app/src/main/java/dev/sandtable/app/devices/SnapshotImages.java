package dev.sandtable.app.devices;

import dev.sandtable.app.viewmodel.Availability;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.helper.Ext4Image;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotState;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Local snapshots as raw ext4 images ({@link Ext4Image}, {@code mkfs.ext4 -d}) for the Snapshots table's "Export as
 * disk image…" and "Attach as device". A snapshot is local when its files are on this machine: the embedded runtime's,
 * or the per-user service's (the same folders, {@link RuntimePaths#fromEnvironment()}).
 */
public final class SnapshotImages {
    private SnapshotImages() {
    }

    /** Whether the snapshot can be exported; the reason otherwise. Reads the file system (one stat). */
    public static Availability exportable(Row<Snapshot> row) {
        Snapshot s = row.value();
        if (s.state() != SnapshotState.READY)
            return Availability.no("Snapshot " + s.name() + " is " + s.state().name().toLowerCase(Locale.ROOT) + "; it must be ready");
        if (tree(row).isEmpty())
            return Availability.no("Only local snapshots can become disk images; " + row.backend().displayName()
                    + " keeps " + s.name() + "'s files elsewhere");
        return Availability.OK;
    }

    static Optional<RuntimePaths> paths(Backend b) {
        if (b instanceof LocalRuntime l) return Optional.of(l.paths());
        if (b.info().kind() == BackendKind.LOCAL) return Optional.of(RuntimePaths.fromEnvironment());
        return Optional.empty();
    }

    static Optional<Path> tree(Row<Snapshot> row) {
        return paths(row.backend().backend()).map(p -> p.snapshots().resolve(row.value().id()).resolve("tree")).filter(Files::isDirectory);
    }

    /** {@code <data>/images/<snapshot>.img}, where {@code sandtable helper export} writes too. */
    public static Path defaultImage(Row<Snapshot> row) {
        RuntimePaths p = paths(row.backend().backend()).orElseThrow(() -> notLocal(row));
        return p.data().resolve("images").resolve(row.value().name() + ".img");
    }

    /** Writes the snapshot as an ext4 image at {@code image}, replacing an older file there. Blocks: call off the UI thread. */
    public static Path export(Row<Snapshot> row, Path image) {
        Path tree = tree(row).orElseThrow(() -> notLocal(row));
        try {
            Files.deleteIfExists(image);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INTERNAL, "cannot replace " + image + ": " + e.getMessage(), e);
        }
        Ext4Image.fromTree(tree, image, row.value().name());
        return image;
    }

    /** The default image, exported first unless one made after the snapshot is already there. Blocks. */
    public static Path ensureImage(Row<Snapshot> row) {
        Path image = defaultImage(row);
        try {
            if (Files.isRegularFile(image) && row.value().createdAt() != null
                    && Files.getLastModifiedTime(image).toInstant().isAfter(row.value().createdAt()))
                return image;
        } catch (IOException e) {
            // export again
        }
        return export(row, image);
    }

    private static SandtableException notLocal(Row<Snapshot> row) {
        return new SandtableException(ErrorCode.UNSUPPORTED, "snapshot " + row.value().name() + " is not a local snapshot");
    }
}
