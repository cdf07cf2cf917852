package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.sandtable.e2b.server.E2bTestServer.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** envd inside a bubblewrap sandbox: commands run in its namespaces, paths are the sandbox's own (/workspace). */
class EnvdBubblewrapTest {
    @TempDir
    Path dir;

    @Test
    void commandsFilesAndWatchesSeeTheSandboxsOwnPaths() {
        E2bTestServer server;
        try {
            server = new E2bTestServer(dir, LocalRuntimeOptions.defaults().withIsolation(IsolationMode.BUBBLEWRAP)
                    .withStopGrace(Duration.ofMillis(300)));
        } catch (SandtableException e) {
            assumeTrue(false, "bubblewrap is not usable here: " + e.getMessage());
            return;
        }
        try (server) {
            var sb = server.create("{\"templateID\":\"base\"}");
            try (var s = server.stream(sb, "process.Process/Start",
                    "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"pwd; echo $HOME; echo in > /tmp/t; cat /tmp/t; mkdir -p d; echo f > d/f\"]}}")) {
                List<E2bTestServer.Message> all = s.rest();
                assertThat(output(all, "stdout")).isEqualTo("/workspace\n/workspace\nin\n");
            }
            // the sandbox's private /tmp is reached through its root; the workspace maps to the host folder
            JsonNode tmp = server.unary(sb, "filesystem.Filesystem/Stat", "{\"path\":\"/tmp/t\"}").body().path("entry");
            assertThat(tmp.path("path").asText()).isEqualTo("/tmp/t");
            assertThat(tmp.path("size").asText()).isEqualTo("3");
            var list = server.unary(sb, "filesystem.Filesystem/ListDir", "{\"path\":\"/workspace/d\"}");
            assertThat(list.body().path("entries").get(0).path("path").asText()).isEqualTo("/workspace/d/f");
            try (var w = server.stream(sb, "filesystem.Filesystem/WatchDir", "{\"path\":\"/workspace\",\"recursive\":true}")) {
                assertThat(w.next().json().has("start")).isTrue();
                try (var s = server.stream(sb, "process.Process/Start", "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"echo x > d/g\"]}}")) {
                    s.rest();
                }
                JsonNode ev;
                do {
                    ev = w.next().json();
                } while (!ev.has("filesystem"));
                assertThat(ev.path("filesystem").path("name").asText()).isEqualTo("d/g");
            }
            String req = "{\"process\":{\"cmd\":\"/bin/sh\",\"args\":[\"-c\",\"stty size\"]},\"pty\":{\"size\":{\"cols\":77,\"rows\":11}}}";
            try (var s = server.stream(sb, "process.Process/Start", req)) {
                assertThat(output(s.rest(), "pty")).contains("11 77");
            }
        }
    }
}
