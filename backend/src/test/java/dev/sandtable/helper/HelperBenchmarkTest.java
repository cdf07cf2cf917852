package dev.sandtable.helper;

import dev.sandtable.testing.Bench;
import dev.sandtable.testing.Requirements;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The helper's io_uring benchmark side by side with fio's io_uring engine (same file, block size, depth, mode and
 * duration, runs alternating), and loop attach-to-ready time. Prints the numbers; the goal (helper >= 0.95 of fio's
 * IOPS) is read off the output, not asserted, because a shared 2-core machine is too noisy for a timed assertion.
 * Run with: ./mvnw -B verify -Pbench -pl backend -Dtest=HelperBenchmarkTest
 */
@Tag("benchmark")
class HelperBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    void helperAgainstFioOnTheSameFile() throws Exception {
        Requirements.require(onPath("fio"), "fio (apt-get install fio)");
        try (HelperFixture helper = HelperFixture.startOptimized(dir)) {
            Path file = helper.images.resolve("bench.img");
            writeRandom(file, Bench.count(512) << 20);
            // -Dbench.seconds / -Dbench.rounds override; a smoke run (-Dbench.smoke=true) makes them 1 s and 1 round
            int seconds = Integer.getInteger("bench.seconds", Bench.seconds(5)), rounds = Integer.getInteger("bench.rounds", Bench.count(3, 1));
            for (String rw : List.of("randread", "randwrite")) {
                double[] h = new double[rounds], f = new double[rounds];
                try (HelperClient c = helper.client()) {
                    for (int i = 0; i < rounds; i++) {
                        BenchResult r = c.bench(new BenchRequest(new BenchRequest.FileTarget(file), rw.endsWith("write"), true, true,
                                4096, 32, Duration.ofSeconds(seconds), 0)).join();
                        h[i] = r.iops();
                        f[i] = fio(file, rw, seconds);
                        System.out.printf("%s round %d: helper %.0f IOPS (p50 %.0f us, p99 %.0f us), fio %.0f IOPS%n", rw, i + 1,
                                h[i], r.latencyP50().toNanos() / 1e3, r.latencyP99().toNanos() / 1e3, f[i]);
                    }
                }
                double hm = median(h), fm = median(f);
                System.out.printf("%s 4k qd32 O_DIRECT %ds: helper %.0f IOPS, fio %.0f IOPS, ratio %.3f (goal >= 0.95)%s%n", rw, seconds,
                        hm, fm, hm / fm, Bench.mark(rounds));
                System.out.println("fio command: fio --name=cmp --filename=" + file + " --ioengine=io_uring --rw=" + rw
                        + " --bs=4096 --iodepth=32 --direct=1 --time_based --runtime=" + seconds);
                assertThat(hm).isPositive();
                assertThat(fm).isPositive();
            }
        }
    }

    @Test
    void attachToReady() throws Exception {
        try (HelperFixture helper = HelperFixture.startOptimized(dir)) {
            Path image = helper.image("ready.img", 64 << 20, (byte) 1);
            measureAttach(helper, image, DeviceBackend.LOOP);
            if (Files.exists(Path.of("/dev/ublk-control"))) measureAttach(helper, image, DeviceBackend.UBLK);
            else System.out.println("ublk attach-to-ready: not measured, this kernel has no ublk (/dev/ublk-control missing)");
        }
    }

    private static void measureAttach(HelperFixture helper, Path image, DeviceBackend backend) {
        int n = Bench.count(30);
        long[] server = new long[n], client = new long[n];
        try (HelperClient c = helper.client()) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                AttachedDevice d = c.attach(AttachRequest.readOnly(image).withBackend(backend)).join();
                client[i] = System.nanoTime() - t0;
                server[i] = d.readyTime().toNanos();
                c.detach(d.id()).join();
            }
        }
        Arrays.sort(server);
        Arrays.sort(client);
        System.out.printf("%s attach-to-ready over %d attaches: helper-measured median %.2f ms, p90 %.2f ms;"
                        + " client round trip (with the crash-recovery record's fsync) median %.2f ms, p90 %.2f ms%s%n",
                backend.name().toLowerCase(java.util.Locale.ROOT), n, server[n / 2] / 1e6, server[n * 9 / 10] / 1e6,
                client[n / 2] / 1e6, client[n * 9 / 10] / 1e6, Bench.mark(n));
        assertThat(server[0]).isPositive();
    }

    private static double fio(Path file, String rw, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("fio", "--name=cmp", "--filename=" + file, "--ioengine=io_uring", "--rw=" + rw, "--bs=4096",
                "--iodepth=32", "--direct=1", "--time_based", "--runtime=" + seconds, "--output-format=terse", "--terse-version=3")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(seconds + 60L, TimeUnit.SECONDS)).isTrue();
        String[] f = out.strip().split(";");
        return Double.parseDouble(f[rw.endsWith("write") ? 48 : 7]);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void writeRandom(Path file, int size) throws IOException {
        byte[] b = new byte[1 << 20];
        Random r = new Random(1);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < size / b.length; i++) {
                r.nextBytes(b);
                out.write(b);
            }
        }
    }

    private static boolean onPath(String cmd) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, cmd)));
    }
}
