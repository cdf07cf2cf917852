package dev.sandtable.app.inspector;

import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.Operation;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InspectorViewModelTest {
    @Test
    void showsRawJsonAndFetchesASandboxsLogs() throws Exception {
        try (SyntheticBackend backend = new SyntheticBackend()) {
            Sandbox s = backend.create(CreateSandboxRequest.fromTemplate("inspected", null)).get(5, TimeUnit.SECONDS);
            InspectorViewModel vm = new InspectorViewModel(Runnable::run);
            vm.show(s, backend);
            assertThat(vm.rawJsonProperty().get()).contains("\"@type\" : \"sandbox\"").contains("\"id\" : \"" + s.id() + "\"")
                    .contains("\n  ");
            assertThat(vm.logsAvailableProperty().get()).isTrue();
            assertThat(vm.logsProperty().get()).contains("inspected").contains("ERROR");
            assertThat(vm.logsStatusProperty().get()).isEmpty();

            vm.show(backend.inventory().templates().getFirst(), backend);
            assertThat(vm.logsAvailableProperty().get()).isFalse();
            assertThat(vm.logsProperty().get()).isEmpty();
            assertThat(vm.logsStatusProperty().get()).isEqualTo("Only sandboxes have logs");

            vm.show(null, null);
            assertThat(vm.rawJsonProperty().get()).isEmpty();
        }
    }

    @Test
    void aBackendWithoutLogsSaysWhy() throws Exception {
        try (SyntheticBackend synthetic = new SyntheticBackend()) {
            Sandbox s = synthetic.create(CreateSandboxRequest.fromTemplate("mute", null)).get(5, TimeUnit.SECONDS);
            // a backend that keeps no logs: its capabilities say why, and logs() keeps the SPI's default
            Backend mute = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "info" -> synthetic.info();
                        case "capabilities" -> Capabilities.all().without(Operation.LOGS, "this platform keeps no logs");
                        default -> m.isDefault() ? InvocationHandler.invokeDefault(proxy, m, args) : null;
                    });
            assertThat(mute.logs(s.id(), 10)).isCompletedExceptionally();
            InspectorViewModel vm = new InspectorViewModel(Runnable::run);
            vm.show(s, mute);
            assertThat(vm.logsAvailableProperty().get()).isFalse();
            assertThat(vm.logsStatusProperty().get()).isEqualTo("this platform keeps no logs");
            vm.refreshLogs();
            assertThat(vm.logsProperty().get()).isEmpty();
        }
    }

    @Test
    void aFailedFetchIsReportedAndAnAnswerForAnotherSandboxIsDropped() throws Exception {
        try (SyntheticBackend backend = new SyntheticBackend()) {
            Sandbox a = backend.create(CreateSandboxRequest.fromTemplate("first", null)).get(5, TimeUnit.SECONDS);
            Sandbox b = backend.create(CreateSandboxRequest.fromTemplate("second", null)).get(5, TimeUnit.SECONDS);
            java.util.List<Runnable> pending = new java.util.ArrayList<>();
            InspectorViewModel vm = new InspectorViewModel(pending::add);
            vm.show(a, backend);
            vm.show(b, backend);
            for (Runnable r : pending) r.run();
            assertThat(vm.logsProperty().get()).contains("second").doesNotContain("first");

            pending.clear();
            backend.destroy(b.id()).get(5, TimeUnit.SECONDS);
            vm.refreshLogs();
            for (Runnable r : pending) r.run();
            assertThat(vm.logsStatusProperty().get()).startsWith("Could not load the logs:").contains(b.id());
        }
    }
}
