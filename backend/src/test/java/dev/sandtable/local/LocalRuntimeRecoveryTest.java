package dev.sandtable.local;

import dev.sandtable.model.Pool;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRuntimeRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void snapshotsTemplatesAndPoolsSurviveARestartSandboxesDoNot() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        Snapshot snap;
        try (LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("src", null)));
            LocalTesting.write(rt.workspace("src").resolve("keep.txt"), "kept");
            snap = await(rt.snapshot("src", "keep"));
            await(rt.createTemplate("keep", "keep-tpl"));
            await(rt.createPool(new PoolSpec("warm", "keep-tpl", 1, 3)));
            waitUntil("the pool is filled", () -> rt.inventory().pools().getFirst().idle() == 1);
            await(rt.resizePool("warm", 2, 4));
        }
        try (LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.inventory().snapshots()).containsExactly(snap);
            assertThat(rt.inventory().templates()).extracting(t -> t.name()).containsExactly("host-shell", "keep-tpl");
            Pool p = rt.inventory().pools().getFirst();
            assertThat(p.name()).isEqualTo("warm");
            assertThat(p.minIdle()).isEqualTo(2);
            assertThat(p.maxSize()).isEqualTo(4);
            waitUntil("the pool refills after the restart", () -> rt.inventory().pools().getFirst().idle() == 2);
            assertThat(rt.inventory().sandboxes()).allSatisfy(s -> assertThat(s.poolName()).isEqualTo("warm"));
            assertThat(rt.workspace(rt.inventory().sandboxes().getFirst().id()).resolve("keep.txt")).hasContent("kept");
        }
    }

    @Test
    void aCrashedRuntimesSandboxesAreKilledAndRemovedAtTheNextStart() throws Exception {
        Process child = startChild("sandboxes");
        long[] pids;
        try {
            String ready = readLineStartingWith(child, "READY");
            pids = Stream.of(ready.split(" ")).skip(1).mapToLong(Long::parseLong).toArray();
            killHard(child);
            assertThat(ProcStat.sameProcess(pids[0], pids[1])).as("unconfined sandboxes outlive their killed JVM").isTrue();
            assertThat(ProcStat.sameProcess(pids[2], pids[3])).isTrue();
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.inventory().sandboxes()).isEmpty();
            assertThat(ProcStat.sameProcess(pids[0], pids[1])).isFalse();
            assertThat(ProcStat.sameProcess(pids[2], pids[3])).as("the paused one too").isFalse();
            try (Stream<Path> dirs = Files.list(tmp.resolve("state/sandboxes"))) {
                assertThat(dirs).isEmpty();
            }
        }
    }

    @Test
    void bubblewrapSandboxesDieWithTheirJvmAndTheirCgroupIsRemovedAtTheNextStart() throws Exception {
        LocalTesting.assumeBubblewrap();
        Process child = startChild("bwrap-sandbox");
        String[] f;
        try {
            f = readLineStartingWith(child, "READY").split(" ");
            killHard(child);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long mainPid = Long.parseLong(f[1]);
        long start = Long.parseLong(f[2]);
        waitUntil("bwrap dies with its parent", () -> !ProcStat.sameProcess(mainPid, start));
        Path cgroup = f[4].equals("-") ? null : Path.of(f[4]);
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.inventory().sandboxes()).isEmpty();
            if (cgroup != null) assertThat(cgroup).doesNotExist();
            try (Stream<Path> dirs = Files.list(tmp.resolve("state/sandboxes"))) {
                assertThat(dirs).isEmpty();
            }
        }
    }

    @Test
    void aReusedPidIsNeverKilled() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            long start = ProcStat.read(stranger.pid()).orElseThrow().startTime();
            RuntimePaths paths = RuntimePaths.under(tmp);
            Path dir = Files.createDirectories(paths.sandboxes().resolve("sb-stale"));
            Trees.writeJsonAtomically(dir.resolve(LocalSandbox.PROCESS_FILE), new SandboxProcessInfo("sb-stale",
                    stranger.pid(), start - 1, stranger.pid(), null, List.of(), dir.resolve("workspace"), "/x"));
            try (LocalRuntime _ = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
                assertThat(stranger.isAlive()).isTrue();
                assertThat(dir).doesNotExist();
            }
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void aSnapshotInterruptedByAKilledJvmIsNeverListed() throws Exception {
        Process child = startChild("snapshot");
        Path snapshots = RuntimePaths.under(tmp).snapshots();
        try {
            readLineStartingWith(child, "SNAPSHOTTING");
            waitUntil("the copy is under way", () -> countTempFiles(snapshots) >= 50);
            killHard(child);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(countTempFiles(snapshots)).isGreaterThan(0);
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.inventory().snapshots()).isEmpty();
            try (Stream<Path> dirs = Files.list(snapshots)) {
                assertThat(dirs).isEmpty();
            }
        }
    }

    private static long countTempFiles(Path snapshots) {
        if (!Files.isDirectory(snapshots)) return 0;
        try (Stream<Path> all = Files.walk(snapshots)) {
            return all.filter(p -> p.toString().contains("/.tmp-") && Files.isRegularFile(p)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private Process startChild(String mode) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, CrashingRuntimeMain.class.getName(), mode, tmp.toString()));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String readLineStartingWith(Process p, String prefix) throws IOException, InterruptedException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            assertThat(line).as("the child finished before it could be killed").isNotEqualTo("DONE");
            if (line.startsWith(prefix)) return line;
        }
        throw new AssertionError("the child JVM ended without printing " + prefix + " (exit " + p.waitFor() + ")");
    }

    private static void killHard(Process p) throws InterruptedException {
        Posix.kill(p.pid(), Posix.SIGKILL);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
}
