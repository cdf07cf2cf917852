package dev.sandtable.helper;

import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A tree (as a snapshot holds it) exported as ext4 and attached: its files read back through the block device. */
class Ext4ImageTest {
    @TempDir
    Path dir;

    @Test
    void aTreeExportedAsExt4ReadsBackThroughTheAttachedDevice() throws Exception {
        Requirements.require(onPath("mkfs.ext4") && onPath("debugfs"), "mkfs.ext4 and debugfs (apt-get install e2fsprogs)");
        Path tree = Files.createDirectories(dir.resolve("tree/etc"));
        Files.writeString(tree.resolve("motd"), "hello from a snapshot\n");
        try (HelperFixture helper = HelperFixture.start(dir.resolve("helper"))) {
            Path image = helper.images.resolve("snap.img");
            long size = Ext4Image.fromTree(dir.resolve("tree"), image, "snap");
            assertThat(size).isEqualTo(Files.size(image)).isGreaterThanOrEqualTo(16 << 20);
            try (HelperClient c = helper.client()) {
                AttachedDevice d = c.attach(AttachRequest.readOnly(image).withBackend(DeviceBackend.LOOP)).join();
                try {
                    Process p = new ProcessBuilder("debugfs", "-R", "cat /etc/motd", d.devicePath()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(out).isEqualTo("hello from a snapshot\n");
                } finally {
                    c.detach(d.id()).join();
                }
            }
        }
    }

    @Test
    void sizeLeavesRoomForMetadata() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("t"));
        Files.write(tree.resolve("big"), new byte[40 << 20]);
        long size = Ext4Image.sizeFor(tree);
        assertThat(size).isGreaterThan(40L << 20).isEqualTo(size / (1 << 20) * (1 << 20));
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/sbin").split(":"))
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        return Files.isExecutable(Path.of("/usr/sbin", cmd)) || Files.isExecutable(Path.of("/sbin", cmd));
    }
}
