package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Starts real detached service processes (synthetic backend) and always stops them. */
@Timeout(90)
class ServiceConnectorTest {
    @TempDir
    Path tmp;
    final List<ServiceClient> clients = new CopyOnWriteArrayList<>();
    final List<String> notes = new ArrayList<>();

    static ServiceConnector.Options options() {
        return ServiceConnector.Options.defaults().withBackend(ServiceBackends.SYNTHETIC);
    }

    @AfterEach
    void stopEveryServiceWeStarted() throws Exception {
        for (ServiceClient c : clients) c.close();
        ServiceProcesses.stopAllUnder(tmp);
    }

    @Test
    void startsADetachedServiceAndTheNextConnectReusesIt() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        // a stale service.json from a crashed service must not fool the connector
        ServiceFiles.write(paths, new ServiceInfo(999_999, "http://127.0.0.1:1", ApiKeys.generate(), "old", Instant.EPOCH));

        ServiceClient first = keep(ServiceConnector.connectOrStart(paths, options().withProgress(notes::add)));
        long pid = first.serviceInfo().pid();
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        assertThat(notes).singleElement().asString().contains("starting the Sandtable service").contains("service.log");
        assertThat(first.create(CreateSandboxRequest.fromTemplate("kept", null)).join().state()).isEqualTo(SandboxState.RUNNING);
        first.close();

        notes.clear();
        ServiceClient second = keep(ServiceConnector.connectOrStart(paths, options().withProgress(notes::add)));
        assertThat(notes).isEmpty();
        assertThat(second.serviceInfo().pid()).isEqualTo(pid);
        assertThat(second.inventory().join().sandboxes()).extracting(s -> s.name()).containsExactly("kept");
        assertThat(Files.readString(ServiceFiles.logFile(paths))).contains("ready");
    }

    @Test
    void twoConcurrentStartersEndWithOneService() {
        RuntimePaths paths = RuntimePaths.under(tmp);
        CompletableFuture<ServiceClient> a = CompletableFuture.supplyAsync(() -> keep(ServiceConnector.connectOrStart(paths, options())));
        CompletableFuture<ServiceClient> b = CompletableFuture.supplyAsync(() -> keep(ServiceConnector.connectOrStart(paths, options())));
        ServiceClient ca = a.join();
        ServiceClient cb = b.join();
        assertThat(ca.serviceInfo().pid()).isEqualTo(cb.serviceInfo().pid());
        assertThat(ca.endpoint()).isEqualTo(cb.endpoint());
        Eventually.until("the losing process exits", () -> ServiceProcesses.under(tmp).size() == 1);
        ca.create(CreateSandboxRequest.fromTemplate("shared", null)).join();
        assertThat(cb.inventory().join().sandboxes()).hasSize(1);
    }

    @Test
    void aServiceThatCannotStartPointsAtItsLog() {
        RuntimePaths paths = RuntimePaths.under(tmp);
        SandtableException e = catchThrowableOfType(SandtableException.class,
                () -> ServiceConnector.connectOrStart(paths, options().withBackend("no-such-backend")));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.getMessage()).contains("failed to start").contains(ServiceFiles.logFile(paths).toString())
                .contains("unknown backend 'no-such-backend'");
    }

    @Test
    void aHungServiceHoldingTheLockIsNamedNotWaitedOnForever() throws Exception {
        RuntimePaths paths = RuntimePaths.under(tmp);
        // a "service" that accepts connections and never answers, and holds the per-user lock
        try (java.net.ServerSocket hung = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             ServiceLock lock = ServiceLock.tryAcquire(paths).orElseThrow()) {
            ServiceFiles.write(paths, new ServiceInfo(4242, "http://127.0.0.1:" + hung.getLocalPort(), ApiKeys.generate(), "v", Instant.now()));
            // a generous start timeout: the started JVM must get to exit with "already running" even on a loaded
            // machine; the message below proves the lock holder was named rather than the whole timeout waited out
            SandtableException e = catchThrowableOfType(SandtableException.class, () -> ServiceConnector.connectOrStart(paths,
                    options().withStartTimeout(java.time.Duration.ofSeconds(60))));
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("pid 4242").contains("does not answer").contains("kill 4242");
        }
    }

    @Test
    void connectExistingNeverStartsOne() {
        RuntimePaths paths = RuntimePaths.under(tmp);
        assertThat(ServiceConnector.connectExisting(paths, options())).isEmpty();
        assertThat(ServiceFiles.serviceJson(paths)).doesNotExist();
        assertThat(ServiceProcesses.under(tmp)).isEmpty();
    }

    @Test
    void theServiceRunsInItsOwnSession() {
        RuntimePaths paths = RuntimePaths.under(tmp);
        ServiceClient c = keep(ServiceConnector.connectOrStart(paths, options()));
        assertThat(ServiceConnector.command(paths, ServiceBackends.SYNTHETIC).getFirst()).endsWith("setsid");
        assertThat(ServiceProcesses.sessionOf(c.serviceInfo().pid())).isEqualTo(c.serviceInfo().pid());
    }

    private ServiceClient keep(ServiceClient c) {
        clients.add(c);
        return c;
    }
}
