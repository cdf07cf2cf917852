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

            List<ProcStat> members = new ProcessTree(p.mainPid(), p.mainStartTime()).members();
            assertThat(members).hasSizeGreaterThanOrEqualTo(2); // the init shell and its sleep

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
}
