package dev.sandtable.app.ui;

import dev.sandtable.app.BackendFactory;
import dev.sandtable.app.devices.DevicesViewModel;
import dev.sandtable.app.viewmodel.Availability;
import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.app.viewmodel.SandtableAction;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.HelperFixture;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.CreateSandboxRequest;
import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Snapshots table's "Attach as device" and "Export as disk image…" in the real window, with the embedded runtime
 * on a temporary folder and the real native helper: only local snapshots, only while the helper answers.
 */
class SnapshotDevicesTest {
    @TempDir
    Path dir;
    private final WindowDriver w = new WindowDriver();
    private HelperFixture helper;
    private LocalRuntime local;

    @AfterEach
    void tearDown() throws Exception {
        w.stop();
        if (helper != null) {
            try (var c = helper.client()) {
                for (AttachedDevice d : c.list().join()) c.detach(d.id()).join();
            }
            helper.close();
        }
        if (local != null) local.close();
    }

    @SuppressWarnings("unchecked")
    private Row<Snapshot> snapshotRow(String name) {
        return (Row<Snapshot>) (Row<?>) WindowDriver.fx(() -> w.vm().inventory().snapshots().findByName(name));
    }

    @Test
    void aLocalSnapshotIsAttachedReadOnlyAsAnExt4Device() throws Exception {
        helper = HelperFixture.start(dir.resolve("helper"));
        local = new LocalRuntime(RuntimePaths.under(dir.resolve("home")));
        Sandbox web = local.create(CreateSandboxRequest.fromTemplate("web", LocalRuntime.HOST_SHELL)).join();
        Files.writeString(local.workspace(web.id()).resolve("hello.txt"), "hello from a snapshot\n");
        local.snapshot(web.id(), "web-snap").join();
        var synthetic = BackendFactory.demoSynthetic(0);
        w.start(List.of(local, synthetic));
        DevicesViewModel devices = WindowDriver.fx(() -> w.vm().devices());
        w.until("the snapshots are listed", () -> w.vm().inventory().snapshots().findByName("web-snap") != null
                && w.vm().inventory().snapshots().findByName("web-1-base") != null);

        // the helper is not at the default socket here: the action is disabled with why
        WindowDriver.fx(() -> {
            devices.socketProperty().set(dir.resolve("none.sock").toString());
            return null;
        });
        WindowDriver.fx(devices::refresh);
        w.until("unreachable", () -> devices.statusProperty().get() == DevicesViewModel.Status.UNREACHABLE);
        Row<Snapshot> snap = snapshotRow("web-snap");
        Availability off = WindowDriver.fx(() -> w.vm().availability(SandtableAction.ATTACH_SNAPSHOT, snap));
        assertThat(off.enabled()).isFalse();
        assertThat(off.reason()).startsWith("The native helper is not running");
        assertThat(WindowDriver.fx(() -> w.vm().availability(SandtableAction.EXPORT_IMAGE, snap).enabled()))
                .as("exporting needs no helper").isTrue();

        // a synthetic backend's snapshot has no files here
        Availability remote = WindowDriver.fx(() -> w.vm().availability(SandtableAction.EXPORT_IMAGE, snapshotRow("web-1-base")));
        assertThat(remote.enabled()).isFalse();
        assertThat(remote.reason()).startsWith("Only local snapshots can become disk images");

        WindowDriver.fx(() -> {
            devices.socketProperty().set(helper.socket.toString());
            return null;
        });
        WindowDriver.fx(devices::refresh);
        w.until("connected", () -> devices.statusProperty().get() == DevicesViewModel.Status.CONNECTED);
        w.shortcut(KeyCode.DIGIT3);
        w.clickRow("snapshot", "web-snap");
        w.until("attach is enabled", () -> w.vm().availability(SandtableAction.ATTACH_SNAPSHOT).enabled());
        w.shortcut(KeyCode.SHIFT, KeyCode.A);
        w.until("the device is attached", () -> devices.devices().size() == 1);
        AttachedDevice d = WindowDriver.fx(() -> devices.devices().getFirst());
        assertThat(d.image()).endsWith("web-snap.img (passed descriptor)");
        assertThat(d.mode()).isEqualTo(dev.sandtable.helper.AttachMode.READ_ONLY);
        Path image = RuntimePaths.under(dir.resolve("home")).data().resolve("images/web-snap.img");
        assertThat(image).isRegularFile();
        assertThat(d.sizeBytes()).isEqualTo(Files.size(image));
        try (RandomAccessFile f = new RandomAccessFile(d.devicePath(), "r")) {
            f.seek(1080); // the ext4 superblock's magic, 0xEF53 little-endian
            assertThat(f.readUnsignedByte()).isEqualTo(0x53);
            assertThat(f.readUnsignedByte()).isEqualTo(0xEF);
        }
        w.until("the attach task is done", () -> w.vm().runner().running().isEmpty());
        assertThat(Files.getLastModifiedTime(image)).as("a second attach reuses the current image").isNotNull();
        long before = Files.getLastModifiedTime(image).toMillis();
        WindowDriver.fx(() -> w.vm().attachSnapshot(snap));
        w.until("two devices", () -> devices.devices().size() == 2);
        assertThat(Files.getLastModifiedTime(image).toMillis()).isEqualTo(before);

        // "Export as disk image…" writes where the user chose (the save dialog is the platform's; the view model is called here)
        Path chosen = dir.resolve("exports/web.img");
        Path written = WindowDriver.fx(() -> w.vm().exportImage(snap, chosen)).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(written).isEqualTo(chosen);
        try (RandomAccessFile f = new RandomAccessFile(chosen.toFile(), "r")) {
            f.seek(1080);
            assertThat(f.readUnsignedByte()).isEqualTo(0x53);
        }
        Availability synthetic2 = WindowDriver.fx(() -> w.vm().availability(SandtableAction.ATTACH_SNAPSHOT, snapshotRow("web-1-base")));
        assertThat(synthetic2.reason()).startsWith("Only local snapshots");

        // Ctrl+Alt+D opens the Devices window on the same view model: both devices listed
        w.shortcut(KeyCode.ALT, KeyCode.D);
        w.until("the Devices window lists both", () -> javafx.stage.Window.getWindows().stream().filter(javafx.stage.Window::isShowing)
                .map(x -> x.getScene().getRoot().lookup("#devices-table")).filter(java.util.Objects::nonNull)
                .anyMatch(t -> ((javafx.scene.control.TableView<?>) t).getItems().size() == 2));
    }
}
