package dev.sandtable.local;

import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SnapshotKind;
import dev.sandtable.model.SourceKind;
import dev.sandtable.model.Template;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.failure;
import static dev.sandtable.local.LocalTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRuntimeSnapshotTest {
    @TempDir
    Path tmp;

    private static void fillWorkspace(Path ws) throws IOException {
        write(ws.resolve("hello.txt"), "hello world\n");
        write(ws.resolve("src/main.sh"), "#!/bin/sh\necho main\n");
        Files.setPosixFilePermissions(ws.resolve("src/main.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(ws.resolve("empty/dir"));
        Files.createSymbolicLink(ws.resolve("link-to-hello"), Path.of("hello.txt"));
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void aSnapshotHasAChecksumManifestAndRestoresAnyNumberOfTimesWithLineage() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            Sandbox src = await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
            Path ws = rt.workspace("src");
            fillWorkspace(ws);
            Snapshot snap = await(rt.snapshot("src", "base"));
            assertThat(snap.kind()).isEqualTo(SnapshotKind.FILESYSTEM);
            assertThat(snap.fileCount()).isEqualTo(2);
            assertThat(snap.sizeBytes()).isEqualTo(12 + 20);
            assertThat(snap.sourceSandboxId()).isEqualTo(src.id());
            assertThat(snap.parentSnapshotId()).isNull();
            assertThat(Path.of(snap.location())).isEqualTo(tmp.resolve("data/snapshots").resolve(snap.id()));
            assertThat(rt.inventory().sandboxes().getFirst().state()).isEqualTo(SandboxState.RUNNING);

            SnapshotManifest m = rt.manifest("base");
            assertThat(m.entries()).extracting(SnapshotManifest.Entry::path)
                    .contains("", "hello.txt", "src", "src/main.sh", "empty", "empty/dir", "link-to-hello");
            SnapshotManifest.Entry main = m.entries().stream().filter(e -> e.path().equals("src/main.sh")).findFirst().orElseThrow();
            assertThat(main.type()).isEqualTo(SnapshotManifest.Type.FILE);
            assertThat(main.mode()).isEqualTo("0750");
            assertThat(main.size()).isEqualTo(20);
            assertThat(main.sha256()).isEqualTo(sha256(ws.resolve("src/main.sh")));
            SnapshotManifest.Entry link = m.entries().stream().filter(e -> e.path().equals("link-to-hello")).findFirst().orElseThrow();
            assertThat(link.type()).isEqualTo(SnapshotManifest.Type.SYMLINK);
            assertThat(link.target()).isEqualTo("hello.txt");

            Sandbox one = await(rt.restore("base", "one"));
            Sandbox two = await(rt.restore(snap.id(), "two"));
            assertThat(one.sourceKind()).isEqualTo(SourceKind.SNAPSHOT);
            assertThat(one.sourceRef()).isEqualTo(snap.id());
            for (String name : new String[]{"one", "two"}) {
                Path w = rt.workspace(name);
                assertThat(w.resolve("hello.txt")).hasContent("hello world");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.resolve("src/main.sh")))).isEqualTo("rwxr-x---");
                assertThat(Files.readSymbolicLink(w.resolve("link-to-hello"))).isEqualTo(Path.of("hello.txt"));
                assertThat(w.resolve("empty/dir")).isDirectory();
            }
            write(rt.workspace("one").resolve("hello.txt"), "changed in one\n");
            assertThat(rt.workspace("two").resolve("hello.txt")).hasContent("hello world");

            Snapshot child = await(rt.snapshot("one", null));
            assertThat(child.parentSnapshotId()).isEqualTo(snap.id());
            assertThat(child.name()).startsWith("one-snap-");

            Template tpl = await(rt.createTemplate("base", "base-tpl"));
            Sandbox fromTpl = await(rt.create(CreateSandboxRequest.fromTemplate("from-tpl", "base-tpl")));
            assertThat(fromTpl.templateId()).isEqualTo(tpl.id());
            assertThat(rt.workspace("from-tpl").resolve("hello.txt")).hasContent("hello world");
            assertThat(await(rt.snapshot("from-tpl", "grandchild")).parentSnapshotId()).isEqualTo(snap.id());
        }
    }

    @Test
    void aPausedSandboxStaysPausedAfterItsSnapshot() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("p", null)));
            await(rt.pause("p"));
            await(rt.snapshot("p", "p1"));
            Sandbox after = rt.inventory().sandboxes().getFirst();
            assertThat(after.state()).isEqualTo(SandboxState.PAUSED);
            assertThat(after.rawState()).isEqualTo("stopped (SIGSTOP)");
            assertThat(failure(rt.snapshot("p", "p1")).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        }
    }

    @Test
    void aCorruptedSnapshotIsRefusedNamingTheBadFile() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
            fillWorkspace(rt.workspace("src"));
            Snapshot snap = await(rt.snapshot("src", "base"));
            await(rt.createTemplate("base", "tpl"));
            Path victim = Path.of(snap.location()).resolve("tree/src/main.sh");
            byte[] bytes = Files.readAllBytes(victim);
            bytes[3] ^= 0x01;
            Files.write(victim, bytes);

            SandtableException e = failure(rt.restore("base", "restored"));
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getMessage()).contains("'src/main.sh'").contains("checksum");
            assertThat(failure(rt.create(CreateSandboxRequest.fromTemplate("t", "tpl"))).code()).isEqualTo(ErrorCode.CORRUPT);
            bytes[3] ^= 0x01;
            Files.write(victim, bytes);
            Files.delete(Path.of(snap.location()).resolve("tree/hello.txt"));
            assertThat(failure(rt.restore("base", "restored")).getMessage()).contains("'hello.txt' is missing");
            assertThat(rt.inventory().sandboxes()).extracting(Sandbox::name).containsExactly("src");
        }
    }

    @Test
    void leftoverTemporaryFoldersAreNeverListedAndRemovedAtStart() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        Path leftover = paths.snapshots().resolve(".tmp-snap-123456789abc");
        write(leftover.resolve("tree/big.bin"), "partial");
        write(paths.snapshots().resolve("no-manifest/tree/x"), "x");
        try (LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.inventory().snapshots()).isEmpty();
            assertThat(leftover).doesNotExist();
        }
    }

    @Test
    void aFullDiskFailsWithNoSpaceRemovesThePartialCopyAndLosesNothing() throws Exception {
        LocalRuntimeOptions full = LocalTesting.NONE_SIGNALS.withSnapshotWriteHook((file, soFar, chunk) -> {
            if (file.toString().contains("big") && soFar + chunk > 100_000) throw new IOException("No space left on device");
        });
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), full)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
            write(rt.workspace("src").resolve("small.txt"), "small");
            Snapshot kept = await(rt.snapshot("src", "kept"));
            Files.write(rt.workspace("src").resolve("big.bin"), new byte[300_000]);

            SandtableException e = failure(rt.snapshot("src", "too-big"));
            assertThat(e.code()).isEqualTo(ErrorCode.NO_SPACE);
            assertThat(e.getMessage()).contains("not enough disk space").contains("partial copy was removed");
            assertNoTemporaryFolders(rt.paths().snapshots());
            assertThat(rt.inventory().snapshots()).extracting(Snapshot::name).containsExactly("kept");
            assertThat(rt.inventory().sandboxes().getFirst().state()).isEqualTo(SandboxState.RUNNING);
            assertThat(await(rt.restore(kept.id(), "again")).state()).isEqualTo(SandboxState.RUNNING);
            assertThat(rt.workspace("again").resolve("small.txt")).hasContent("small");
        }
    }

    /** A small tmpfs mounted at {@code dir} (root only; the test is skipped otherwise); unmounted on close. */
    private static AutoCloseable tmpfs(Path dir, String size) throws Exception {
        LocalTesting.assumeRoot();
        Files.createDirectories(dir);
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0,
                () -> "skipped: cannot mount a tmpfs here: " + output(m));
        return () -> new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void aRealFullTmpfsFailsWithNoSpace() throws Exception {
        Path mount = tmp.resolve("small-disk");
        try (AutoCloseable _ = tmpfs(mount, "512k")) {
            RuntimePaths paths = new RuntimePaths(mount.resolve("data"), tmp.resolve("state"), tmp.resolve("run"));
            try (LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
                await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
                write(rt.workspace("src").resolve("small.txt"), "small");
                Snapshot kept = await(rt.snapshot("src", "kept"));
                Files.write(rt.workspace("src").resolve("big.bin"), new byte[2 * 1024 * 1024]);
                SandtableException e = failure(rt.snapshot("src", "too-big"));
                assertThat(e.code()).isEqualTo(ErrorCode.NO_SPACE);
                assertNoTemporaryFolders(paths.snapshots());
                assertThat(rt.inventory().snapshots()).extracting(Snapshot::name).containsExactly("kept");
                await(rt.restore(kept.id(), "again"));
                assertThat(rt.workspace("again").resolve("small.txt")).hasContent("small");
            }
        }
    }

    @Test
    void restoringOntoAFullDiskFailsWithNoSpaceAndLeavesNoSandbox() throws Exception {
        Path mount = tmp.resolve("small-state");
        try (AutoCloseable _ = tmpfs(mount, "512k")) {
            RuntimePaths paths = new RuntimePaths(tmp.resolve("data"), mount, tmp.resolve("run"));
            try (LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
                await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
                Files.write(rt.workspace("src").resolve("part.bin"), new byte[200 * 1024]);
                await(rt.snapshot("src", "part"));
                SandtableException e = null;
                for (int i = 0; i < 3 && e == null; i++) {
                    try {
                        await(rt.restore("part", "copy-" + i));
                    } catch (SandtableException full) {
                        e = full;
                    }
                }
                assertThat(e).as("a restore must eventually not fit").isNotNull();
                assertThat(e.code()).isEqualTo(ErrorCode.NO_SPACE);
                assertThat(e.getMessage()).contains("not enough disk space");
                long listed = rt.inventory().sandboxes().size();
                try (var dirs = Files.list(paths.sandboxes())) {
                    assertThat(dirs.count()).isEqualTo(listed);
                }
            }
        }
    }

    private static String output(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes()).strip();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static void assertNoTemporaryFolders(Path snapshots) throws IOException {
        try (var dirs = Files.list(snapshots)) {
            assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void snapshotsUsedByTemplatesAndBuiltInTemplatesAreNotDeleted() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
            Snapshot snap = await(rt.snapshot("src", "base"));
            await(rt.createTemplate("base", "tpl"));
            SandtableException e = failure(rt.deleteSnapshot("base"));
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(e.getMessage()).contains("used by template 'tpl'");
            assertThat(failure(rt.deleteTemplate("host-shell")).code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(failure(rt.createTemplate("base", "tpl")).code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
            await(rt.deleteTemplate("tpl"));
            await(rt.deleteSnapshot(snap.id()));
            assertThat(rt.inventory().snapshots()).isEmpty();
            assertThat(Path.of(snap.location())).doesNotExist();
            assertThat(failure(rt.restore("base", "x")).code()).isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void aDestroyedSandboxCannotBeSnapshotted() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate("gone", null)));
            await(rt.destroy("gone"));
            SandtableException e = failure(rt.snapshot(s.id(), "late"));
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(e.getMessage()).contains(s.id());
        }
    }
}
