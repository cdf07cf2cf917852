package dev.sandtable.docker;

import dev.sandtable.testing.Requirements;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A dockerd of the test's own, so a test can stop and restart an engine without touching the machine's: its own
 * socket, data root, exec root, pid file, containerd namespaces and bridge, no iptables rules. The bridge is a
 * fresh one made here (with {@code --bridge=none} dockerd deletes the machine's docker0 at start).
 */
final class PrivateDockerd implements AutoCloseable {
    private final Path dir;
    private final String bridge;
    private final DockerHost host;
    private Process process;

    private PrivateDockerd(Path dir, String bridge) {
        this.dir = dir;
        this.bridge = bridge;
        this.host = DockerHost.of("unix://" + dir.resolve("docker.sock"), "private test engine");
    }

    static PrivateDockerd start() throws Exception {
        Requirements.requireRoot();
        Requirements.require(onPath("dockerd"), "dockerd (apt-get install docker.io)");
        Requirements.require(onPath("ip"), "the ip command (apt-get install iproute2)");
        Requirements.require(onPath("docker"), "the docker command line, to import the test image (apt-get install docker.io)");
        String hex = HexFormat.of().formatHex(bytes(3));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sd");
        String bridge = "stbr" + hex;
        int net = 100 + ThreadLocalRandom.current().nextInt(150);
        sh("ip", "link", "add", bridge, "type", "bridge");
        sh("ip", "addr", "add", "10.199." + net + ".1/24", "dev", bridge);
        sh("ip", "link", "set", bridge, "up");
        PrivateDockerd d = new PrivateDockerd(dir, bridge);
        d.up();
        return d;
    }

    DockerHost host() {
        return host;
    }

    /** Starts dockerd on the same folders and waits until it answers. */
    void up() throws Exception {
        String ns = "sandtable-" + dir.getFileName();
        process = new ProcessBuilder("dockerd", "--host", host.uri().toString(), "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(), "--pidfile", dir.resolve("docker.pid").toString(),
                "--bridge", bridge, "--iptables=false", "--ip-masq=false", "--ip-forward=false",
                "--containerd-namespace", ns, "--containerd-plugins-namespace", ns + "-plugins")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (DockerConnection c = DockerConnection.open(host, "private engine")) {
                c.client().pingCmd().exec();
                return;
            } catch (RuntimeException notYet) {
                if (!process.isAlive()) throw new IllegalStateException("dockerd exited: see " + dir.resolve("dockerd.log"));
                if (System.nanoTime() > deadline) throw new IllegalStateException("dockerd did not answer within 60 s: see " + dir.resolve("dockerd.log"));
                Thread.sleep(100);
            }
        }
    }

    /** SIGTERM, as a service manager stops it; waits until it has exited. */
    void down() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws Exception {
        down();
        try {
            sh("ip", "link", "del", bridge);
        } catch (RuntimeException ignored) {
            // already gone
        }
        try (var lines = Files.lines(Path.of("/proc/self/mounts"))) {
            for (String m : lines.map(l -> l.split(" ")[1]).filter(p -> p.startsWith(dir.toString())).sorted(java.util.Comparator.reverseOrder()).toList())
                new ProcessBuilder("umount", "-l", m).start().waitFor();
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static boolean onPath(String cmd) {
        for (String p : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"))
            if (Files.isExecutable(Path.of(p, cmd))) return true;
        return false;
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
