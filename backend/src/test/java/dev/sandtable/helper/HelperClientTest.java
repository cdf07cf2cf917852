package dev.sandtable.helper;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java client against the real helper (root, loop devices): capabilities, a loop attach/read/detach cycle, errors. */
class HelperClientTest {
    @TempDir
    static Path dir;
    static HelperFixture helper;

    @BeforeAll
    static void start() throws Exception {
        helper = HelperFixture.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) helper.close();
    }

    @Test
    void capabilitiesDescribeThisMachine() throws Exception {
        try (HelperClient c = helper.client()) {
            assertThat(c.protocolVersion()).isEqualTo(1);
            assertThat(c.serverVersion()).startsWith("sandtable-helper ");
            HelperCapabilities caps = c.capabilities().join();
            assertThat(caps.root()).isTrue();
            assertThat(caps.loop()).isTrue();
            assertThat(caps.ioUring()).isTrue();
            assertThat(caps.kernel()).isEqualTo(System.getProperty("os.version"));
            assertThat(caps.ublk()).isEqualTo(Files.exists(Path.of("/dev/ublk-control")));
            assertThat(caps.imageDirectories()).containsExactly(helper.images.toRealPath().toString());
        }
    }

    @Test
    void loopAttachReadListDetach() throws Exception {
        Path image = helper.image("cycle.img", 1 << 20, (byte) 0x5a);
        try (HelperClient c = helper.client()) {
            AttachedDevice d = c.attach(AttachRequest.readOnly(image).withBackend(DeviceBackend.LOOP)).join();
            assertThat(d.devicePath()).startsWith("/dev/loop");
            assertThat(d.backend()).isEqualTo(DeviceBackend.LOOP);
            assertThat(d.sizeBytes()).isEqualTo(1 << 20);
            assertThat(d.readyTime()).isPositive();
            assertThat(readAt(d.devicePath(), 4096)).isEqualTo((byte) 0x5a);
            assertThat(c.list().join()).extracting(AttachedDevice::id, AttachedDevice::state).contains(org.assertj.core.groups.Tuple.tuple(d.id(), "attached"));

            AttachedDevice gone = c.detach(d.id()).join();
            assertThat(gone.state()).isEqualTo("detached");
            assertThat(c.list().join()).extracting(AttachedDevice::id).doesNotContain(d.id());
            assertThat(Path.of("/sys/block", d.devicePath().substring(5), "loop/backing_file")).doesNotExist();
        }
    }

    @Test
    void attachesADescriptorTheClientOpened() throws Exception {
        // outside the image directories: by path the helper refuses it, by descriptor the client's own access decides
        Path outside = Files.write(dir.resolve("outside.img"), new byte[64 * 1024]);
        try (HelperClient c = helper.client()) {
            assertThatThrownBy(() -> c.attach(AttachRequest.readOnly(outside).withBackend(DeviceBackend.LOOP)).join())
                    .satisfies(e -> assertThat(SandtableException.of(e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining("outside the helper's image directories");
            AttachedDevice d = c.attach(AttachRequest.readOnly(outside).withBackend(DeviceBackend.LOOP).passingDescriptor(true)).join();
            assertThat(d.sizeBytes()).isEqualTo(64 * 1024);
            assertThat(d.image()).isEqualTo(outside + " (passed descriptor)");
            c.detach(d.id()).join();
        }
    }

    @Test
    void refusalsSayWhy() throws Exception {
        Path image = helper.image("refusals.img", 1 << 16, (byte) 1);
        Path small = helper.image("small.img", 1000, (byte) 1);
        try (HelperClient c = helper.client()) {
            assertCode(() -> c.attach(AttachRequest.readOnly(image).withBackend(DeviceBackend.LOOP).withMode(AttachMode.COPY_ON_WRITE)).join(),
                    ErrorCode.UNSUPPORTED, "copy-on-write needs the ublk backend");
            assertCode(() -> c.attach(AttachRequest.readOnly(small).withBackend(DeviceBackend.LOOP)).join(),
                    ErrorCode.INVALID_ARGUMENT, "at least 4096 bytes");
            Files.createSymbolicLink(helper.images.resolve("link.img"), image);
            assertCode(() -> c.attach(AttachRequest.readOnly(helper.images.resolve("link.img"))).join(),
                    ErrorCode.INVALID_ARGUMENT, "symbolic link");
            assertCode(() -> c.detach(987654).join(), ErrorCode.NOT_FOUND, "no attached device with id 987654");
            assertThatThrownBy(() -> c.detach(987654).join()).cause().isInstanceOf(HelperException.class)
                    .satisfies(e -> assertThat(((HelperException) e).helperCode()).isEqualTo(HelperErrors.E_NOT_FOUND));
            if (!Files.exists(Path.of("/dev/ublk-control")))
                assertCode(() -> c.attach(AttachRequest.readOnly(image).withBackend(DeviceBackend.UBLK)).join(),
                        ErrorCode.UNSUPPORTED, "this kernel has no ublk");
            assertThat(c.capabilities().join().loop()).isTrue(); // still serving on the same connection
        }
    }

    @Test
    void benchmarksAFileAndAnAttachedDevice() throws Exception {
        Path image = helper.image("bench.img", 4 << 20, (byte) 7);
        try (HelperClient c = helper.client()) {
            BenchResult file = c.bench(BenchRequest.randomRead(new BenchRequest.FileTarget(image))
                    .with(false, true, false, 4096, 8, Duration.ofMillis(300))).join();
            assertSane(file, 8);
            AttachedDevice d = c.attach(AttachRequest.readOnly(image).withBackend(DeviceBackend.LOOP)).join();
            try {
                BenchResult dev = c.bench(BenchRequest.randomRead(new BenchRequest.DeviceTarget(d.id()))
                        .with(false, false, true, 65536, 4, Duration.ofMillis(300))).join();
                assertSane(dev, 4);
                assertThat(dev.bytes()).isEqualTo(dev.operations() * 65536);
            } finally {
                c.detach(d.id()).join();
            }
        }
    }

    @Test
    void severalClientsAtOnce() {
        List<HelperClient> clients = java.util.stream.IntStream.range(0, 6).mapToObj(i -> helper.client()).toList();
        try {
            var futures = clients.stream().map(HelperClient::list).toList();
            futures.forEach(f -> assertThat(f.join()).isNotNull());
        } finally {
            clients.forEach(HelperClient::close);
        }
    }

    @Test
    void aDeviceWatchSeesAttachAndDetach() throws Exception {
        Path image = helper.image("watched.img", 1 << 16, (byte) 3);
        java.util.concurrent.BlockingQueue<HelperDeviceWatch.Update> updates = new java.util.concurrent.LinkedBlockingQueue<>();
        try (HelperDeviceWatch watch = HelperDeviceWatch.start(helper.socket, Duration.ofMillis(50), updates::add);
             HelperClient c = helper.client()) {
            assertThat(next(updates)).isInstanceOf(HelperDeviceWatch.Update.Devices.class);
            AttachedDevice d = c.attach(AttachRequest.readOnly(image).withBackend(DeviceBackend.LOOP)).join();
            HelperDeviceWatch.Update seen;
            do seen = next(updates);
            while (!(seen instanceof HelperDeviceWatch.Update.Devices(List<AttachedDevice> ds) && ds.stream().anyMatch(x -> x.id() == d.id())));
            c.detach(d.id()).join();
            do seen = next(updates);
            while (!(seen instanceof HelperDeviceWatch.Update.Devices(List<AttachedDevice> after) && after.stream().noneMatch(x -> x.id() == d.id())));
        }
        try (HelperDeviceWatch none = HelperDeviceWatch.start(dir.resolve("no.sock"), Duration.ofMillis(50), updates::add)) {
            HelperDeviceWatch.Update u;
            do u = next(updates);
            while (!(u instanceof HelperDeviceWatch.Update.Unavailable));
            assertThat(((HelperDeviceWatch.Update.Unavailable) u).reason()).contains("not running");
        }
    }

    private static HelperDeviceWatch.Update next(java.util.concurrent.BlockingQueue<HelperDeviceWatch.Update> q) throws InterruptedException {
        HelperDeviceWatch.Update u = q.poll(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(u).as("an update within 30 s").isNotNull();
        return u;
    }

    @Test
    void refusesASocketServedBySomeoneElse() throws Exception {
        // a "helper" listening as nobody where the client expects the real one: the client must not talk to it
        Path squat = Files.createTempDirectory(Path.of("/tmp"), "squat");
        Files.setPosixFilePermissions(squat, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path sock = squat.resolve("helper.sock");
        Path bin = HelperBinary.find().orElseThrow();
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin.toString(), "serve",
                "--socket", sock.toString(), "--state-dir", squat.resolve("state").toString(), "--allow-uid", "0")
                .redirectErrorStream(true).redirectOutput(squat.resolve("log").toFile()).start();
        try {
            for (int i = 0; i < 500 && !Files.exists(sock); i++) Thread.sleep(10);
            assertThat(sock).exists();
            assertCode(() -> HelperClient.connect(sock), ErrorCode.UNAUTHORIZED, "neither root nor you");
        } finally {
            p.destroy();
            p.waitFor();
            try (var files = Files.walk(squat)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void aMissingHelperIsUnavailable() {
        assertThatThrownBy(() -> HelperClient.connect(dir.resolve("nobody-here.sock")))
                .isInstanceOf(SandtableException.class)
                .satisfies(e -> assertThat(((SandtableException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("not running");
    }

    private static void assertSane(BenchResult r, int depth) {
        assertThat(r.operations()).isPositive();
        assertThat(r.iops()).isPositive();
        assertThat(r.queueDepth()).isEqualTo(depth);
        assertThat(r.latencyMin()).isLessThanOrEqualTo(r.latencyP50());
        assertThat(r.latencyP50()).isLessThanOrEqualTo(r.latencyP99());
        assertThat(r.latencyP99()).isLessThanOrEqualTo(r.latencyMax());
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code, String text) {
        assertThatThrownBy(call).satisfies(e -> {
            SandtableException se = SandtableException.of(e);
            assertThat(se.code()).isEqualTo(code);
            assertThat(se.getMessage()).contains(text);
        });
    }

    private static byte readAt(String device, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(device, "r")) {
            f.seek(offset);
            return f.readByte();
        }
    }
}
