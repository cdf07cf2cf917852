package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine stops and starts again under a live view (a private dockerd, never the machine's): the view says
 * "reconnecting" with the reason, operations fail fast with a clear message meanwhile, and after the restart a full
 * relist makes the table equal to what the engine lists.
 */
class DockerEngineRestartTest {

    @Test
    void survivesAnEngineRestartWithAVisibleReconnectAndARelist() throws Exception {
        try (PrivateDockerd dockerd = PrivateDockerd.start()) {
            DockerHost host = dockerd.host();
            DockerTestEngine.ensureImage(DockerTestEngine.rawClient(host), host);
            try (DockerBackend backend = new DockerBackend(host)) {
                EventLog events = new EventLog();
                backend.watch(events);
                events.await(e -> e instanceof BackendEvent.Connection c && c.state() == ConnectionState.CONNECTED, "connected");
                Sandbox a = backend.create(CreateSandboxRequest.fromTemplate("before-restart", DockerTestEngine.IMAGE)).get(60, TimeUnit.SECONDS);
                assertThat(a.state()).isEqualTo(SandboxState.RUNNING);
                long listsBefore = backend.relists();

                dev.sandtable.spi.TerminalSession terminal = backend.openTerminal(a.id(), dev.sandtable.spi.TerminalRequest.shell(80, 24))
                        .get(60, TimeUnit.SECONDS);

                int mark = events.size();
                dockerd.down();
                BackendEvent.Connection lost = (BackendEvent.Connection) events.await(mark, e -> e instanceof BackendEvent.Connection c
                        && c.state() == ConnectionState.RECONNECTING, Duration.ofSeconds(30), "reconnecting");
                assertThat(lost.message()).isNotBlank().contains("retrying");
                SandtableException meanwhile = SandtableException.of(catchFailure(backend.pause(a.id())));
                assertThat(meanwhile.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(meanwhile.getMessage()).contains("no Docker engine answers at " + host.uri());

                int restartMark = events.size();
                dockerd.up();
                events.await(restartMark, e -> e instanceof BackendEvent.Connection c && c.state() == ConnectionState.CONNECTED,
                        Duration.ofSeconds(60), "connected again");
                BackendEvent.Synced relisted = (BackendEvent.Synced) events.await(restartMark, e -> e instanceof BackendEvent.Synced,
                        Duration.ofSeconds(5), "a relist after the restart");
                assertThat(backend.relists()).isGreaterThan(listsBefore);

                // the terminal's container was stopped by the restart: the session ends (no stuck "reconnecting")
                assertThat(terminal.exit().get(60, TimeUnit.SECONDS)).isNotNull(); // -1, or 137 when the engine killed it in time to say so

                // the table equals what the engine lists now (the restart stopped the container)
                DockerClient raw = DockerTestEngine.rawClient(host);
                Map<String, SandboxState> engine = new TreeMap<>();
                raw.listContainersCmd().withShowAll(true).exec().forEach(c -> engine.put(DockerMapping.shortId(c.getId()),
                        DockerMapping.sandbox(c, java.time.Instant.now(), null).state()));
                Map<String, SandboxState> table = new TreeMap<>();
                relisted.inventory().sandboxes().forEach(s -> table.put(s.id(), s.state()));
                assertThat(table).isEqualTo(engine).containsKey(a.id());
                assertThat(table.get(a.id())).isIn(SandboxState.SUSPENDED, SandboxState.FAILED);

                // and the event stream is live again
                int live = events.size();
                Sandbox restarted = backend.start(a.id()).get(60, TimeUnit.SECONDS);
                assertThat(restarted.state()).isEqualTo(SandboxState.RUNNING);
                events.await(live, e -> e instanceof BackendEvent.Upserted u && u.resource() instanceof Sandbox s && s.id().equals(a.id())
                        && s.state() == SandboxState.RUNNING, Duration.ofSeconds(30), "the restart of the container seen live");
                backend.destroy(a.id()).get(60, TimeUnit.SECONDS);
                List<String> left = raw.listContainersCmd().withShowAll(true).exec().stream().map(c -> c.getId()).toList();
                assertThat(left).isEmpty();
            }
        }
    }

    private static Throwable catchFailure(java.util.concurrent.CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("an operation on a stopped engine hung instead of failing");
        }
        throw new AssertionError("an operation on a stopped engine succeeded");
    }
}
