package dev.sandtable.local;

import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.failure;
import static dev.sandtable.local.LocalTesting.procState;
import static dev.sandtable.local.LocalTesting.runInside;
import static dev.sandtable.local.LocalTesting.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRuntimeLifecycleTest {
    @TempDir
    Path tmp;

    @Test
    void unconfinedSandboxPausesWithSignalsAndIsDestroyed() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate("plain", null)));
            assertThat(s.state()).isEqualTo(SandboxState.RUNNING);
            assertThat(s.isolation().isolated()).isFalse();
            assertThat(s.isolation().detail()).contains("unconfined");
            SandboxProcessInfo p = rt.processInfo("plain");
            assertThat(p.bwrapArgs()).isEmpty();
            assertThat(p.workspace()).isEqualTo(tmp.resolve("state/sandboxes").resolve(s.id()).resolve("workspace"));

            assertThat(runInside(rt, "plain", "echo hello > note.txt && pwd").exitCode()).isZero();
            assertThat(Files.readString(p.workspace().resolve("note.txt"))).isEqualTo("hello\n");

            ProcessTree tree = new ProcessTree(p.mainPid(), p.mainStartTime());
            waitUntil("the init sleeps", () -> tree.members().stream().anyMatch(m -> m.comm().equals("sleep")));
            List<ProcStat> members = tree.members();
            assertThat(members).extracting(ProcStat::comm).contains("sh", "sleep");

            Sandbox paused = await(rt.pause(s.id()));
            assertThat(paused.state()).isEqualTo(SandboxState.PAUSED);
            assertThat(paused.rawState()).isEqualTo("stopped (SIGSTOP)");
            for (ProcStat m : members) assertThat(procState(m.pid())).as("state of " + m.comm()).isEqualTo('T');

            assertThat(failure(rt.pause("plain")).code()).isEqualTo(ErrorCode.INVALID_STATE);

            Sandbox resumed = await(rt.resume("plain"));
            assertThat(resumed.state()).isEqualTo(SandboxState.RUNNING);
            for (ProcStat m : members) assertThat(procState(m.pid())).isNotIn('T', 't');

            await(rt.destroy("plain"));
            waitUntil("the init is gone", () -> !ProcStat.sameProcess(p.mainPid(), p.mainStartTime()));
            assertThat(rt.inventory().sandboxes()).isEmpty();
            assertThat(p.workspace().getParent()).doesNotExist();
            assertThat(failure(rt.pause("plain")).code()).isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void bubblewrapSandboxWritesOnlyItsWorkspaceAndFreezesWithCgroupV2() throws Exception {
        LocalTesting.assumeBubblewrap();
        LocalTesting.assumeFreezer(FreezerMode.CGROUP_V2);
        LocalRuntimeOptions opts = LocalTesting.FAST.withIsolation(IsolationMode.BUBBLEWRAP).withFreezer(FreezerMode.CGROUP_V2);
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), opts)) {
            Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate("boxed", null)));
            assertThat(s.isolation().isolated()).isTrue();
            assertThat(s.isolation().mechanism()).isEqualTo("bubblewrap");
            assertThat(s.isolation().detail()).contains("pid").contains("read-only");
            SandboxProcessInfo p = rt.processInfo("boxed");
            assertThat(p.bwrapArgs()).contains("--die-with-parent", "/workspace");
            assertThat(p.initPid()).isNotEqualTo(p.mainPid());
            assertThat(p.sandboxPath()).isEqualTo("/workspace");

            LocalTesting.Result r = runInside(rt, "boxed", "echo inside > /workspace/made-here && pwd && hostname "
                    + "&& (touch /usr/sandtable-probe 2>/dev/null && echo usr-writable || echo usr-read-only)");
            assertThat(r.output()).contains("/workspace").contains("boxed").contains("usr-read-only").doesNotContain("usr-writable");
            assertThat(Files.readString(p.workspace().resolve("made-here"))).isEqualTo("inside\n");
            assertThat(Path.of("/usr/sandtable-probe")).doesNotExist();

            Sandbox paused = await(rt.pause("boxed"));
            assertThat(paused.rawState()).isEqualTo("frozen (cgroup v2)");
            assertThat(Files.readAllLines(p.cgroupDir().resolve("cgroup.events"))).contains("frozen 1");
            assertThat(Files.readAllLines(p.cgroupDir().resolve("cgroup.procs"))).contains(Long.toString(p.initPid()));

            await(rt.resume("boxed"));
            assertThat(Files.readAllLines(p.cgroupDir().resolve("cgroup.events"))).contains("frozen 0");

            await(rt.destroy("boxed"));
            assertThat(p.cgroupDir()).doesNotExist();
            waitUntil("bwrap is gone", () -> !ProcStat.sameProcess(p.mainPid(), p.mainStartTime()));
        }
    }

    @Test
    void cgroupV1FreezerFreezesTheWholeTree() throws Exception {
        LocalTesting.assumeFreezer(FreezerMode.CGROUP_V1);
        LocalRuntimeOptions opts = LocalTesting.FAST.withIsolation(IsolationMode.NONE).withFreezer(FreezerMode.CGROUP_V1);
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), opts)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("v1", null)));
            SandboxProcessInfo p = rt.processInfo("v1");
            Sandbox paused = await(rt.pause("v1"));
            assertThat(paused.rawState()).isEqualTo("frozen (cgroup v1 freezer)");
            assertThat(Files.readString(p.cgroupDir().resolve("freezer.state")).strip()).isEqualTo("FROZEN");
            await(rt.resume("v1"));
            assertThat(Files.readString(p.cgroupDir().resolve("freezer.state")).strip()).isEqualTo("THAWED");
        }
    }

    @Test
    void bubblewrapWithSignalFreezerStopsEveryProcess() throws Exception {
        LocalTesting.assumeBubblewrap();
        LocalRuntimeOptions opts = LocalTesting.FAST.withIsolation(IsolationMode.BUBBLEWRAP).withFreezer(FreezerMode.SIGNALS);
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), opts)) {
            await(rt.create(CreateSandboxRequest.fromTemplate("sig", null)));
            SandboxProcessInfo p = rt.processInfo("sig");
            ProcessTree tree = new ProcessTree(p.mainPid(), p.mainStartTime());
            waitUntil("the init sleeps", () -> tree.members().stream().anyMatch(m -> m.comm().equals("sleep")));
            List<ProcStat> members = tree.members();
            assertThat(members.stream().map(ProcStat::comm)).contains("bwrap", "sh", "sleep");
            await(rt.pause("sig"));
            for (ProcStat m : members) assertThat(procState(m.pid())).as(m.comm()).isEqualTo('T');
            await(rt.resume("sig"));
            for (ProcStat m : members) assertThat(procState(m.pid())).as(m.comm()).isNotEqualTo('T');
        }
    }

    @Test
    void aSandboxWhoseInitDiesIsShownFailedWithTheReason() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate("doomed", null)));
            Posix.kill(rt.processInfo("doomed").mainPid(), Posix.SIGKILL);
            waitUntil("the sandbox is failed", () -> rt.inventory().sandboxes().getFirst().state() == SandboxState.FAILED);
            Sandbox failed = rt.inventory().sandboxes().getFirst();
            assertThat(failed.stateReason()).contains("SIGKILL").contains("137");
            assertThat(failure(rt.resume("doomed")).code()).isEqualTo(ErrorCode.INVALID_STATE);
            await(rt.destroy(s.id()));
            assertThat(rt.inventory().sandboxes()).isEmpty();
        }
    }

    @Test
    void namesAreValidatedGeneratedAndUnique() {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            assertThat(failure(rt.create(CreateSandboxRequest.fromTemplate("Bad_Name", null))).code())
                    .isEqualTo(ErrorCode.INVALID_ARGUMENT);
            Sandbox generated = await(rt.create(CreateSandboxRequest.fromTemplate(null, null)));
            assertThat(generated.name()).matches("[a-z]+-[a-z]+-[0-9a-f]{4}");
            assertThat(failure(rt.create(CreateSandboxRequest.fromTemplate(generated.name(), null))).code())
                    .isEqualTo(ErrorCode.ALREADY_EXISTS);
            var missing = failure(rt.create(CreateSandboxRequest.fromTemplate("x", "no-such-template")));
            assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(missing.getMessage()).contains("no-such-template").contains("available templates: host-shell");
            assertThat(failure(rt.snapshot("ghost", null)).code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(rt.inventory().sandboxes()).hasSize(1);
        }
    }

    @Test
    void closeStopsEverySandboxAndRemovesItsFolder() throws Exception {
        LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS);
        await(rt.create(CreateSandboxRequest.fromTemplate("a", null)));
        await(rt.create(CreateSandboxRequest.fromTemplate("b", null)));
        await(rt.pause("b"));
        SandboxProcessInfo a = rt.processInfo("a");
        SandboxProcessInfo b = rt.processInfo("b");
        rt.close();
        assertThat(ProcStat.sameProcess(a.mainPid(), a.mainStartTime())).isFalse();
        assertThat(ProcStat.sameProcess(b.mainPid(), b.mainStartTime())).isFalse();
        try (var dirs = Files.list(tmp.resolve("state/sandboxes"))) {
            assertThat(dirs).isEmpty();
        }
        assertThat(failure(rt.create(CreateSandboxRequest.fromTemplate("c", null))).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void aSecondRuntimeOnTheSameFoldersIsRefused() {
        try (LocalRuntime _ = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.sandtable.spi.SandtableException.class,
                    () -> new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS));
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("already using");
        }
    }

    @Test
    void aBubblewrapSandboxWhoseInitIsKilledIsShownFailed() {
        LocalTesting.assumeBubblewrap();
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.FAST.withIsolation(IsolationMode.BUBBLEWRAP))) {
            await(rt.create(CreateSandboxRequest.fromTemplate("inner", null)));
            SandboxProcessInfo p = rt.processInfo("inner");
            Posix.kill(p.initPid(), Posix.SIGKILL);
            waitUntil("the sandbox is failed", () -> rt.inventory().sandboxes().getFirst().state() == SandboxState.FAILED);
            System.out.println("bwrap failure reason: " + rt.inventory().sandboxes().getFirst().stateReason());
            assertThat(rt.inventory().sandboxes().getFirst().stateReason()).contains("main process");
            waitUntil("bwrap is gone", () -> !ProcStat.sameProcess(p.mainPid(), p.mainStartTime()));
        }
    }

    @Test
    void aRuntimeThatCannotStartSaysWhyAndLeavesTheFoldersUsable() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        LocalTesting.write(paths.templates(), "a file where the templates folder belongs");
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(dev.sandtable.spi.SandtableException.class,
                () -> new LocalRuntime(paths, LocalTesting.NONE_SIGNALS));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("cannot start the local runtime");
        Files.delete(paths.templates());
        try (LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.inventory().templates()).hasSize(1);
        }
    }
}
