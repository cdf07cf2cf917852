package dev.sandtable.e2b.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * envd's streams through a real nginx configured as CubeProxy is (buffering off for the streaming locations): a
 * WatchDir event and PTY echoes arrive while their streams are still open. Skipped where nginx is not installed.
 */
class NginxStreamingTest {
    @TempDir
    static Path dir;
    static E2bTestServer server;
    static NginxProxy nginx;
    static E2bTestServer proxied;
    static E2bTestServer.Created sb;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NginxProxy.binary().isPresent(), NginxProxy.missingMessage());
        server = new E2bTestServer(dir.resolve("service"), E2bTestServer.NONE);
        nginx = NginxProxy.start(Files.createDirectories(dir.resolve("nginx")), server.url());
        proxied = server.via(nginx.url());
        sb = proxied.create("{\"templateID\":\"base\"}");
    }

    @AfterAll
    static void stop() {
        if (nginx != null) nginx.close();
        if (server != null) server.close();
    }

    @Test
    void watchDirEventsArriveThroughNginxWhileTheWatchIsOpen() throws Exception {
        String local = server.runtime.inventory().sandboxes().getFirst().id();
        Path watched = Files.createDirectories(server.runtime.workspace(local).resolve("watched"));
        // two rounds: the second write happens only after the first event came, so a held-back stream cannot pass
        assertThat(StreamingLatencies.watchDir(proxied, sb, watched, "watched", 2)).hasSize(2);
    }

    @Test
    void ptyEchoesArriveThroughNginxWhileTheProcessRuns() {
        assertThat(StreamingLatencies.ptyEcho(proxied, sb, 2)).hasSize(2);
    }

    @Test
    void aBackgroundStartGetsItsStartEventThroughNginx() {
        assertThat(StreamingLatencies.backgroundStart(proxied, sb, 1)).hasSize(1);
    }
}
