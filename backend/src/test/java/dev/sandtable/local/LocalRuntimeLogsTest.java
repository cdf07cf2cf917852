package dev.sandtable.local;

import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sandtable.local.LocalTesting.await;
import static dev.sandtable.local.LocalTesting.failure;
import static org.assertj.core.api.Assertions.assertThat;

class LocalRuntimeLogsTest {
    @TempDir
    Path tmp;

    @Test
    void logsAreTheEndOfTheInitLog() throws Exception {
        try (LocalRuntime rt = new LocalRuntime(RuntimePaths.under(tmp), LocalTesting.NONE_SIGNALS)) {
            assertThat(rt.capabilities().supports(Operation.LOGS)).isTrue();
            Sandbox s = await(rt.create(CreateSandboxRequest.fromTemplate("talker", null)));
            Path log = tmp.resolve("state/sandboxes").resolve(s.id()).resolve("init.log");
            assertThat(log).exists();
            // the init holds the file open for appending; add lines the way it would
            Files.writeString(log, "first line\nWARN second\nERROR third\n", java.nio.file.StandardOpenOption.APPEND);

            String all = await(rt.logs("talker", 1 << 20));
            assertThat(all).endsWith("first line\nWARN second\nERROR third\n");
            // cut: starts at a line, never mid-line
            assertThat(await(rt.logs(s.id(), 20))).isEqualTo("ERROR third\n");
            assertThat(await(rt.logs(s.id(), 0))).isEmpty();

            assertThat(failure(rt.logs("nobody", 100)).code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(failure(rt.logs("talker", -1)).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
    }

    @Test
    void tailOfAMissingFileIsEmptyAndInvalidUtf8IsReplaced(@TempDir Path dir) throws Exception {
        assertThat(LogTail.read(dir.resolve("none.log"), 100)).isEmpty();
        Path f = dir.resolve("bin.log");
        Files.write(f, new byte[]{'o', 'k', '\n', (byte) 0xff, 'x', '\n'});
        assertThat(LogTail.read(f, 100)).isEqualTo("ok\n\uFFFDx\n");
        // one long line longer than the limit: shown cut rather than not at all
        Files.writeString(f, "abcdefghij");
        assertThat(LogTail.read(f, 4)).isEqualTo("ghij");
    }
}
