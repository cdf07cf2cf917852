package dev.sandtable.app.viewmodel;

import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.app.remote.RemoteBackendStore;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several backends in one window, without a screen: remote backends are synthetic ones made by the factory. */
class RemoteBackendsTest {
    private final List<String> errors = new ArrayList<>();
    private final Notifier notifier = new Notifier() {
        @Override
        public void error(String title, String message) {
            errors.add(title + ": " + message);
        }

        @Override
        public void info(String title, String message) {
        }
    };
    private final SyntheticBackend local = new SyntheticBackend();
    /** The backends the factory made, by API URL. */
    private final Map<String, SyntheticBackend> made = new HashMap<>();
    private final List<WindowViewModel> opened = new ArrayList<>();

    private Backend make(RemoteBackendSpec spec) {
        spec.toConfig(); // the production factory's validation
        return made.computeIfAbsent(spec.apiUrl(), u -> {
            SyntheticBackend b = new SyntheticBackend("e2b:" + u, "E2B", Clock.systemUTC());
            b.create(CreateSandboxRequest.fromTemplate("web-1", null)).join();
            return b;
        });
    }

    private WindowViewModel open(RemoteBackendStore store) {
        WindowViewModel vm = new WindowViewModel(List.of(local), notifier, Runnable::run, Runnable::run, Clock.systemUTC(), store, this::make);
        opened.add(vm);
        vm.inventory().drainAll();
        return vm;
    }

    private static RemoteBackendSpec spec(String name, String url) {
        return new RemoteBackendSpec(name, url, "e2b_key", "", E2bConfig.Routing.SANDBOX_URL, url);
    }

    @AfterEach
    void close() {
        opened.forEach(WindowViewModel::close);
    }

    private static List<String> rows(WindowViewModel vm) {
        return vm.inventory().sandboxes().allRows().stream().map(r -> r.backend().displayName() + "/" + r.value().name()).sorted().toList();
    }

    @Test
    void rowsOfTwoBackendsWithTheSameNamesAreKeptApartAndActionsGoToTheRowsOwnBackend() {
        local.create(CreateSandboxRequest.fromTemplate("web-1", null)).join();
        WindowViewModel vm = open(RemoteBackendStore.inMemory());
        BackendViewModel second = vm.addBackend(spec("second", "http://127.0.0.1:3001"));
        vm.inventory().drainAll();

        assertThat(rows(vm)).containsExactly("Synthetic/web-1", "second/web-1");
        assertThat(vm.selectedBackendProperty().get()).isSameAs(second);
        Row<Sandbox> remoteRow = vm.inventory().sandboxes().allRows().stream().filter(r -> r.backend() == second).findFirst().orElseThrow();
        vm.pause(remoteRow).join();
        vm.inventory().drainAll();

        SyntheticBackend remote = made.get("http://127.0.0.1:3001");
        assertThat(remote.inventory().sandboxes().getFirst().state()).isEqualTo(SandboxState.PAUSED);
        assertThat(local.inventory().sandboxes().getFirst().state()).isEqualTo(SandboxState.RUNNING);
        assertThat(remoteRow.value().state()).isEqualTo(SandboxState.PAUSED);
        // availability (and the terminal/watch windows, which open on row.backend().backend()) follow the row's backend
        Row<Sandbox> localRow = vm.inventory().sandboxes().allRows().stream().filter(r -> r.backend() != second).findFirst().orElseThrow();
        assertThat(localRow.backend().backend()).isSameAs(local);
        assertThat(remoteRow.backend().backend()).isSameAs(remote);
        assertThat(vm.availability(SandtableAction.PAUSE, localRow).enabled()).isTrue();
        assertThat(vm.availability(SandtableAction.PAUSE, remoteRow).reason()).contains("paused");
    }

    @Test
    void removingAnAddedBackendDropsItsRowsAndOnlyAddedBackendsCanBeRemoved() {
        RemoteBackendStore store = RemoteBackendStore.inMemory();
        WindowViewModel vm = open(store);
        BackendViewModel localVm = vm.inventory().backends().getFirst();
        vm.selectedBackendProperty().set(localVm);
        assertThat(vm.availability(SandtableAction.REMOVE_BACKEND).reason()).contains("only added backends can be removed");
        assertThat(vm.availability(SandtableAction.ADD_BACKEND).enabled()).isTrue();

        BackendViewModel second = vm.addBackend(spec("second", "http://127.0.0.1:3001"));
        vm.inventory().drainAll();
        assertThat(vm.availability(SandtableAction.REMOVE_BACKEND).enabled()).isTrue();
        assertThat(store.load()).extracting(RemoteBackendSpec::name).containsExactly("second");

        vm.removeBackend(second);
        vm.inventory().drainAll();
        assertThat(vm.inventory().backends()).containsExactly(localVm);
        assertThat(rows(vm)).isEmpty();
        assertThat(store.load()).isEmpty();
        assertThat(vm.selectedBackendProperty().get()).isSameAs(localVm);
        assertThatThrownBy(() -> vm.removeBackend(localVm)).isInstanceOf(SandtableException.class);
    }

    @Test
    void badOrDuplicateBackendsAreRefusedWithAReasonAndChangeNothing() {
        WindowViewModel vm = open(RemoteBackendStore.inMemory());
        vm.addBackend(spec("second", "http://127.0.0.1:3001"));
        assertThat(vm.remotes().problem(spec("Second", "http://127.0.0.1:3002"))).contains("already in the window");
        assertThat(vm.remotes().problem(spec("third", "http://127.0.0.1:3001"))).contains("already uses");
        assertThat(vm.remotes().problem(spec("third", "ftp://x"))).contains("API URL");
        assertThat(vm.remotes().problem(new RemoteBackendSpec("third", "http://h:1", " ", "", E2bConfig.Routing.HOST, ""))).contains("API key");
        assertThat(vm.remotes().problem(new RemoteBackendSpec("third", "http://h:1", "k", "", E2bConfig.Routing.PATH, ""))).contains("proxy URL");
        assertThat(vm.remotes().problem(spec("", "http://h:1"))).contains("name");
        assertThatThrownBy(() -> vm.addBackend(spec("third", "http://127.0.0.1:3001"))).isInstanceOf(SandtableException.class);
        assertThat(vm.inventory().backends()).hasSize(2);
    }

    @Test
    void addedBackendsComeBackNextStartFromAPrivateFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data/remote-backends.json");
        open(RemoteBackendStore.file(file)).addBackend(spec("second", "http://127.0.0.1:3001"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        WindowViewModel again = open(RemoteBackendStore.file(file));
        assertThat(again.inventory().backends()).extracting(BackendViewModel::displayName).containsExactly("Synthetic", "second");
        assertThat(again.inventory().backends().get(1).removable()).isTrue();
        assertThat(again.remotes().specs()).containsExactly(spec("second", "http://127.0.0.1:3001"));
        assertThat(errors).isEmpty();
    }

    @Test
    void aSavedBackendThatCannotBeAddedIsReportedAndTheOthersStillCome(@TempDir Path dir) {
        RemoteBackendStore store = RemoteBackendStore.file(dir.resolve("remote-backends.json"));
        store.save(List.of(new RemoteBackendSpec("broken", "not a url", "k", "", E2bConfig.Routing.HOST, ""), spec("ok", "http://127.0.0.1:3001")));
        WindowViewModel vm = open(store);
        assertThat(vm.inventory().backends()).extracting(BackendViewModel::displayName).containsExactly("Synthetic", "ok");
        assertThat(errors).singleElement().asString().contains("broken");
    }

    @Test
    void thePaletteFindsAddAndRemoveBackend() {
        WindowViewModel vm = open(RemoteBackendStore.inMemory());
        assertThat(vm.search("add backend", 3).getFirst().action()).isEqualTo(SandtableAction.ADD_BACKEND);
        assertThat(vm.search("remove backend", 3).getFirst().action()).isEqualTo(SandtableAction.REMOVE_BACKEND);
    }

    @Test
    void dialogDefaultsComeFromTheE2bEnvironment() {
        RemoteBackendSpec d = RemoteBackendSpec.defaults(Map.of("E2B_API_URL", "http://127.0.0.1:4000", "E2B_API_KEY", "e2b_x",
                "E2B_DOMAIN", "localhost", "E2B_SANDBOX_URL", "http://127.0.0.1:4000"));
        assertThat(d).isEqualTo(new RemoteBackendSpec("", "http://127.0.0.1:4000", "e2b_x", "localhost", E2bConfig.Routing.SANDBOX_URL,
                "http://127.0.0.1:4000"));
        RemoteBackendSpec none = RemoteBackendSpec.defaults(Map.of());
        assertThat(none.apiUrl()).isEqualTo("https://api.e2b.app");
        assertThat(none.routing()).isEqualTo(E2bConfig.Routing.HOST);
    }

    @Test
    void aCaCertificateFileIsCheckedSavedAndHandedToTheClient(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "not checked here");
        RemoteBackendSpec withCa = new RemoteBackendSpec("tls", "https://127.0.0.1:3443", "k", "", E2bConfig.Routing.HOST, "", pem.toString());
        assertThat(withCa.problem()).isNull();
        assertThat(withCa.toConfig().caCert()).isEqualTo(pem);
        assertThat(withCa.withApiKey("other").caCert()).isEqualTo(pem.toString());
        assertThat(new RemoteBackendSpec("tls", "https://h:1", "k", "", E2bConfig.Routing.HOST, "", dir.resolve("missing.pem").toString()).problem())
                .contains("CA certificate file cannot be read");
        assertThat(RemoteBackendSpec.defaults(Map.of("SSL_CERT_FILE", pem.toString())).caCert()).isEqualTo(pem.toString());
        assertThat(spec("plain", "http://127.0.0.1:3001").toConfig().caCert()).isNull();

        Path file = dir.resolve("remote-backends.json");
        RemoteBackendStore.file(file).save(List.of(withCa));
        assertThat(RemoteBackendStore.file(file).load()).containsExactly(withCa);
    }

    @Test
    void anOpenSandboxServerIsSavedWithItsKindAndOlderFilesReadAsE2b(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("remote-backends.json");
        RemoteBackendSpec os = RemoteBackendSpec.openSandbox("os", "http://127.0.0.1:8080/v1", "os-key");
        assertThat(os.problem()).isNull();
        RemoteBackendStore.file(file).save(List.of(os));
        assertThat(RemoteBackendStore.file(file).load()).containsExactly(os);
        assertThat(RemoteBackends.e2b(os)).isInstanceOf(dev.sandtable.opensandbox.OpenSandboxBackend.class);

        Files.writeString(file, "[{\"name\":\"old\",\"apiUrl\":\"http://127.0.0.1:3000\",\"apiKey\":\"k\",\"domain\":\"\","
                + "\"routing\":\"HOST\",\"routingUrl\":\"\",\"caCert\":\"\"}]");
        assertThat(RemoteBackendStore.file(file).load().getFirst().kind()).isEqualTo(RemoteBackendSpec.Kind.E2B);
        assertThat(RemoteBackendSpec.openSandbox("os", "ftp://x", "k").problem()).contains("API URL");
    }
}
