package dev.sandtable.app.viewmodel;

import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.app.remote.RemoteBackendStore;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.local.IsolationMode;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.LocalRuntimeOptions;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Added backends that cannot be reached say why: in the sidebar's status and in one error notification. */
class RemoteBackendErrorsTest {
    @TempDir
    static Path tmp;
    private static LocalService service;
    private final List<String> errors = new ArrayList<>();
    private WindowViewModel vm;

    @BeforeAll
    static void start() {
        RuntimePaths paths = RuntimePaths.under(tmp);
        service = LocalService.start(paths, LocalService.Options.defaults(),
                () -> new LocalRuntime(paths, LocalRuntimeOptions.defaults().withIsolation(IsolationMode.NONE)));
    }

    @AfterAll
    static void stop() {
        if (service != null) service.stop();
    }

    @AfterEach
    void close() {
        if (vm != null) vm.close();
    }

    private BackendViewModel add(String url, String key) throws Exception {
        vm = new WindowViewModel(List.of(new SyntheticBackend()), new Notifier() {
            @Override
            public void error(String title, String message) {
                errors.add(title + ": " + message);
            }

            @Override
            public void info(String title, String message) {
            }
        }, Runnable::run, Runnable::run, Clock.systemUTC(), RemoteBackendStore.inMemory(), RemoteBackends::e2b);
        BackendViewModel b = vm.addBackend(new RemoteBackendSpec("second", url, key, "", E2bConfig.Routing.SANDBOX_URL, url));
        until(() -> {
            vm.inventory().drainAll();
            return b.state() != ConnectionState.CONNECTING;
        });
        return b;
    }

    private static void until(BooleanSupplier c) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out");
            Thread.sleep(20);
        }
    }

    @Test
    void theRightKeyConnects() throws Exception {
        BackendViewModel b = add(service.info().url(), service.info().apiKey());
        assertThat(b.state()).isEqualTo(ConnectionState.CONNECTED);
        assertThat(errors).isEmpty();
    }

    @Test
    void aWrongKeySaysSo() throws Exception {
        BackendViewModel b = add(service.info().url(), "e2b_wrong");
        assertThat(b.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(BackendViewModel.describe(b.state(), b.messageProperty().get())).containsIgnoringCase("key");
        assertThat(errors).singleElement().asString().startsWith("Could not connect to second").containsIgnoringCase("key");
        assertThat(vm.availability(SandtableAction.CREATE_SANDBOX).reason()).isEqualTo("second is disconnected");
    }

    @Test
    void anUnreachableUrlSaysWhichOne() throws Exception {
        BackendViewModel b = add("http://127.0.0.1:9", "e2b_any");
        assertThat(b.state()).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(b.messageProperty().get()).contains("127.0.0.1:9");
        assertThat(errors).hasSize(1);
    }
}
