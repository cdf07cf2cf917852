package dev.sandtable.e2b;

import dev.sandtable.model.Sandbox;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static dev.sandtable.e2b.E2bBackendTest.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The window's and CLI's client of the local service reaches terminals and watches through the service's envd routes. */
class ServiceClientStreamsTest {
    @TempDir
    Path dir;

    @Test
    void terminalsAndWatchesOfLocalSandboxesGoThroughTheServicesEnvd() throws Exception {
        try (LocalE2bServer server = new LocalE2bServer(dir);
             ServiceClient client = ServiceClient.connect(server.service.info())) {
            assertThat(client.capabilities().supports(Operation.TERMINAL)).isTrue();
            assertThat(client.capabilities().supports(Operation.WATCH_DIR)).isTrue();
            Sandbox s = client.create(CreateSandboxRequest.fromTemplate("streams", null)).get(30, TimeUnit.SECONDS);

            TerminalSession t = client.openTerminal("streams", TerminalRequest.shell(80, 24)).get(30, TimeUnit.SECONDS);
            E2bStreamsTest.Output out = new E2bStreamsTest.Output(t.output());
            t.write("echo via-$((40+2)) > made.txt; echo done-$((1+1))\r".getBytes(StandardCharsets.UTF_8));
            until("the shell ran the line", () -> out.text().matches("(?s).*(?<!echo )done-2\\r?\\n.*"));
            Path workspace = server.runtime.workspace(s.id());
            assertThat(Files.readString(workspace.resolve("made.txt")).trim()).isEqualTo("via-42");

            E2bStreamsTest.WatchRecorder r = new E2bStreamsTest.WatchRecorder();
            DirectoryWatch w = client.watchDir(s.id(), new WatchRequest(".", false), r).get(30, TimeUnit.SECONDS);
            t.write("touch seen-by-watch\r".getBytes(StandardCharsets.UTF_8));
            until("the watch saw the terminal's file", () -> r.events.stream().anyMatch(e -> e.path().equals("seen-by-watch")));
            w.close();
            t.close();
        }
    }
}
