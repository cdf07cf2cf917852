package dev.sandtable.app.devices;

import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.BenchRequest;
import dev.sandtable.helper.DeviceBackend;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Devices view model without a screen: against a scripted helper, and the real client on sockets nobody serves. */
class DevicesViewModelTest {
    @TempDir
    Path dir;
    final FakeHelper fake = new FakeHelper();
    DevicesViewModel vm = new DevicesViewModel(fake, Runnable::run);

    @AfterEach
    void close() {
        vm.close();
    }

    private Path image(String name, int size) throws Exception {
        return Files.write(dir.resolve(name), new byte[size]);
    }

    private void refresh() {
        vm.socketProperty().set(dir.resolve("helper.sock").toString());
        vm.refresh().join();
    }

    @Test
    void refreshShowsCapabilitiesAndDevices() throws Exception {
        refresh();
        assertThat(vm.statusProperty().get()).isEqualTo(DevicesViewModel.Status.CONNECTED);
        assertThat(vm.statusTextProperty().get()).contains("sandtable-helper 0.1.0");
        assertThat(vm.capabilitiesProperty().get().kernel()).isEqualTo("6.1.0-test");
        assertThat(vm.helperAvailability().enabled()).isTrue();
        assertThat(vm.connectionProblemProperty().get()).isNull();
        vm.refresh().join();
        assertThat(fake.connects).as("one connection is kept for refreshes").hasValue(1);
    }

    @Test
    void attachListsTheDeviceAndDetachRemovesIt() throws Exception {
        refresh();
        Path img = image("disk.img", 1 << 20);
        var d = vm.attach(new AttachForm(img, DeviceBackend.LOOP, AttachMode.READ_ONLY, true, true)).join();
        assertThat(fake.attaches.getFirst().passDescriptor()).isTrue();
        assertThat(fake.attaches.getFirst().backend()).isEqualTo(DeviceBackend.LOOP);
        assertThat(vm.devices()).extracting(x -> x.devicePath()).containsExactly(d.devicePath());
        assertThat(vm.lastInfoProperty().get()).startsWith("Attached disk.img as " + d.devicePath()).contains("loop, read-only");
        assertThat(vm.busyTextProperty().get()).isEmpty();

        vm.detach(d).join();
        assertThat(vm.devices()).isEmpty();
        assertThat(vm.lastInfoProperty().get()).isEqualTo("Detached " + d.devicePath());
    }

    @Test
    void helperNotRunningNamesTheSocketAndHowToStartIt() {
        Path socket = dir.resolve("missing/helper.sock");
        vm = new DevicesViewModel(HelperSession.Connector.real(), Runnable::run);
        vm.socketProperty().set(socket.toString());
        assertThatThrownBy(() -> vm.refresh().join()).isInstanceOf(CompletionException.class);
        assertThat(vm.statusProperty().get()).isEqualTo(DevicesViewModel.Status.UNREACHABLE);
        HelperProblem p = vm.connectionProblemProperty().get();
        assertThat(p.message()).isEqualTo("The native helper is not running: there is no socket at " + socket);
        assertThat(p.hint()).contains("sudo native-helper/build/sandtable-helper --socket " + socket)
                .contains("systemctl enable --now sandtable-helper.socket");
        assertThat(vm.helperAvailability().enabled()).isFalse();
        assertThat(vm.helperAvailability().reason()).isEqualTo(p.message());
        assertThat(vm.devices()).isEmpty();
        assertThat(vm.capabilitiesProperty().get()).isNull();
    }

    @Test
    void aSocketNobodyServesIsNotTheSameAsAMissingOne() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(socket));
        } // closed: the file stays, nobody listens
        vm = new DevicesViewModel(HelperSession.Connector.real(), Runnable::run);
        vm.socketProperty().set(socket.toString());
        vm.refresh().exceptionally(e -> null).join();
        assertThat(vm.connectionProblemProperty().get().message()).isEqualTo("The native helper does not answer at " + socket
                + " (nothing listens on the socket)");
        assertThat(vm.connectionProblemProperty().get().hint()).contains("sandtable-helper.socket");
    }

    @Test
    void aRefusedPeerIsToldHowToGetAccess() {
        fake.connectError = new SandtableException(ErrorCode.UNAUTHORIZED,
                "native helper: uid 1000 may not use the sandtable helper (allowed: root, the configured users and group)");
        vm.socketProperty().set("/run/sandtable/helper.sock");
        vm.refresh().exceptionally(e -> null).join();
        assertThat(vm.statusProperty().get()).isEqualTo(DevicesViewModel.Status.UNREACHABLE);
        HelperProblem p = vm.connectionProblemProperty().get();
        assertThat(p.message()).contains("uid 1000 may not use the sandtable helper");
        assertThat(p.hint()).contains("usermod -aG sandtable").contains("--allow-uid");
        assertThat(vm.helperAvailability().reason()).contains("may not use");

        fake.connectError = null;
        vm.refresh().join();
        assertThat(vm.statusProperty().get()).isEqualTo(DevicesViewModel.Status.CONNECTED);
        assertThat(vm.connectionProblemProperty().get()).as("cleared once it answers").isNull();
    }

    @Test
    void aSocketServedBySomeoneElseIsNotTrusted() {
        fake.connectError = new SandtableException(ErrorCode.UNAUTHORIZED,
                "refusing the helper socket /tmp/h.sock: it is served by uid 1001, neither root nor you");
        vm.socketProperty().set("/tmp/h.sock");
        vm.refresh().exceptionally(e -> null).join();
        HelperProblem p = vm.connectionProblemProperty().get();
        assertThat(p.message()).contains("neither root nor you");
        assertThat(p.hint()).contains("posing as the helper").doesNotContain("usermod");
    }

    @Test
    void aPathOutsideTheImageFoldersNamesThemAndTheWayAround() throws Exception {
        refresh();
        fake.attachError = new SandtableException(ErrorCode.INVALID_ARGUMENT,
                "native helper: /tmp/x.img: the path is outside the helper's image directories");
        Path img = image("x.img", 1 << 20);
        assertThatThrownBy(() -> vm.attach(new AttachForm(img, DeviceBackend.LOOP, AttachMode.READ_ONLY, true, false)).join())
                .hasCauseInstanceOf(SandtableException.class);
        assertThat(fake.attaches.getFirst().passDescriptor()).isFalse();
        HelperProblem p = vm.operationProblemProperty().get();
        assertThat(p.message()).contains("outside the helper's image directories");
        assertThat(p.hint()).contains("/var/lib/sandtable/images").contains("Open the file myself");
        assertThat(vm.statusProperty().get()).as("the helper still answers").isEqualTo(DevicesViewModel.Status.CONNECTED);
        vm.dismissProblem();
        assertThat(vm.operationProblemProperty().get()).isNull();
    }

    @Test
    void anImageTooSmallSaysTheMinimum() throws Exception {
        refresh();
        fake.attachError = new SandtableException(ErrorCode.INVALID_ARGUMENT,
                "native helper: the image is 1000 bytes; it must be at least 4096 bytes and a multiple of 512");
        Path img = image("tiny.img", 1000);
        vm.attach(AttachForm.readOnly(img)).exceptionally(e -> null).join();
        assertThat(vm.operationProblemProperty().get().message()).contains("1000 bytes");
        assertThat(vm.operationProblemProperty().get().hint()).contains("at least 4 KiB").contains("Export");
    }

    @Test
    void withoutUblkTheChoiceIsDisabledWithTheReasonAndNeverSent() throws Exception {
        refresh();
        assertThat(vm.backendChoice(DeviceBackend.LOOP).enabled()).isTrue();
        var ublk = vm.backendChoice(DeviceBackend.UBLK);
        assertThat(ublk.enabled()).isFalse();
        assertThat(ublk.reason()).contains("6.1.0-test").contains("no ublk").contains("/dev/ublk-control");
        assertThat(vm.modeChoice(AttachMode.COPY_ON_WRITE, DeviceBackend.LOOP).reason()).startsWith("Copy-on-write needs ublk");
        assertThat(vm.modeChoice(AttachMode.READ_ONLY, DeviceBackend.LOOP).enabled()).isTrue();
        assertThat(vm.preferredBackend()).isEqualTo(DeviceBackend.LOOP);

        Path img = image("u.img", 1 << 20);
        assertThatThrownBy(() -> vm.attach(new AttachForm(img, DeviceBackend.UBLK, AttachMode.READ_ONLY, true, true)).join())
                .hasMessageContaining("no ublk");
        assertThat(fake.attaches).as("refused before asking the helper").isEmpty();
        assertThat(vm.operationProblemProperty().get().message()).contains("no ublk");

        fake.caps = FakeHelper.caps(true);
        vm.refresh().join();
        assertThat(vm.backendChoice(DeviceBackend.UBLK).enabled()).isTrue();
        assertThat(vm.modeChoice(AttachMode.COPY_ON_WRITE, DeviceBackend.UBLK).enabled()).isTrue();
        assertThat(vm.preferredBackend()).isEqualTo(DeviceBackend.UBLK);
    }

    @Test
    void aMissingImageIsRefusedLocally() {
        refresh();
        assertThatThrownBy(() -> vm.attach(AttachForm.readOnly(dir.resolve("nope.img"))).join()).hasMessageContaining("There is no file at");
        assertThat(fake.attaches).isEmpty();
        assertThat(AttachDialog.problem("")).isEqualTo("Choose an image file");
        assertThat(AttachDialog.problem(dir.toString())).endsWith("is not a regular file");
        assertThat(AttachDialog.problem(dir.resolve("nope.img").toString())).startsWith("There is no file at");
    }

    @Test
    void losingTheHelperDuringAnOperationMarksItUnreachableAndReconnectsLater() throws Exception {
        refresh();
        fake.attachError = new SandtableException(ErrorCode.UNAVAILABLE, "lost the connection to the native helper: the helper closed the connection");
        fake.listError = new SandtableException(ErrorCode.UNAVAILABLE, "lost the connection to the native helper: broken pipe");
        vm.attach(AttachForm.readOnly(image("a.img", 1 << 20))).exceptionally(e -> null).join();
        assertThat(vm.statusProperty().get()).isEqualTo(DevicesViewModel.Status.UNREACHABLE);
        assertThat(vm.connectionProblemProperty().get().hint()).contains("systemctl status sandtable-helper");
        assertThat(fake.closes.get()).as("the broken session is closed").isPositive();

        fake.listError = null;
        vm.refresh().join();
        assertThat(vm.statusProperty().get()).isEqualTo(DevicesViewModel.Status.CONNECTED);
        assertThat(fake.connects.get()).isGreaterThan(1);
    }

    @Test
    void benchRunsOnItsOwnConnectionAndReportsTheNumbers() {
        refresh();
        int before = fake.connects.get();
        var r = vm.bench(BenchSettings.defaults(new BenchRequest.DeviceTarget(3))).join();
        assertThat(fake.connects.get()).isEqualTo(before + 1);
        assertThat(fake.benches.getFirst().target()).isEqualTo(new BenchRequest.DeviceTarget(3));
        assertThat(fake.benches.getFirst().blockSize()).isEqualTo(4096);
        assertThat(vm.benchResultProperty().get()).isEqualTo(r);
        assertThat(vm.benchRunningProperty().get()).isFalse();
        assertThat(vm.benchTextProperty().get()).isEqualTo("random read, 4.0 KiB, QD 32, O_DIRECT: 50,000 IOPS, 204.8 MB/s over 2.0 s");
    }

    @Test
    void badBenchSettingsSayWhatIsWrong() {
        refresh();
        vm.bench(new BenchSettings(new BenchRequest.DeviceTarget(1), true, false, 1000, 32, Duration.ofSeconds(1), true))
                .exceptionally(e -> null).join();
        assertThat(vm.operationProblemProperty().get().message()).contains("block size must be a power of two");
        vm.bench(BenchSettings.defaults(null)).exceptionally(e -> null).join();
        assertThat(vm.operationProblemProperty().get().message()).isEqualTo("Choose a device or a file to measure");
        assertThat(fake.benches).isEmpty();

        fake.benchError = new SandtableException(ErrorCode.NOT_FOUND, "native helper: no device 9");
        vm.bench(BenchSettings.defaults(new BenchRequest.DeviceTarget(9))).exceptionally(e -> null).join();
        assertThat(vm.operationProblemProperty().get().message()).isEqualTo("native helper: no device 9");
        assertThat(vm.benchTextProperty().get()).isEqualTo("The benchmark failed");
    }

    @Test
    void pollingRefreshesUntilStopped() throws Exception {
        refresh();
        int before = fake.lists.get();
        vm.startPolling(Duration.ofMillis(20));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fake.lists.get() < before + 3 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(fake.lists.get()).isGreaterThanOrEqualTo(before + 3);
        vm.stopPolling();
        Thread.sleep(100); // a refresh already queued may still land
        int stopped = fake.lists.get();
        Thread.sleep(200);
        assertThat(fake.lists.get()).isEqualTo(stopped);

        vm.setVisible(true);
        assertThat(vm.isPolling()).isTrue();
        vm.setVisible(false);
        assertThat(vm.isPolling()).isFalse();
        vm.probeInBackground(true);
        assertThat(vm.isPolling()).as("the main window's slow probe").isTrue();
    }

    @Test
    void anEmptySocketPathIsAProblemNotACrash() {
        vm.socketProperty().set("  ");
        vm.refresh().exceptionally(e -> null).join();
        assertThat(vm.connectionProblemProperty().get().message()).isEqualTo("No socket path is set");
        assertThat(fake.connects).hasValue(0);
    }
}
