package dev.sandtable.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.sandtable.testing.Requirements;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shared fixture of the Docker tests: the engine (the default socket, or DOCKER_HOST), and the test image
 * {@code sandtable-test/busybox:1}, made once per engine with an import of a busybox-static root filesystem
 * (no registry is needed).
 */
public final class DockerTestEngine {
    public static final String IMAGE = "sandtable-test/busybox:1";
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private DockerTestEngine() {
    }

    /** The engine to test against; skips (fails in CI) when none answers. */
    public static DockerHost require() {
        DockerHost host = DockerHost.fromEnvironment();
        String problem = null;
        try (DockerConnection c = DockerConnection.open(host, "test engine")) {
            c.client().pingCmd().exec();
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        Requirements.require(problem == null, "a Docker engine at " + host.uri() + " (apt-get install docker.io; dockerd &): " + problem);
        Requirements.require(Files.isExecutable(BUSYBOX), "busybox-static for the test image (apt-get install busybox-static)");
        return host;
    }

    public static final String INOTIFY_IMAGE = "sandtable-test/busybox-inotify:1";
    static final Path INOTIFYWAIT = Path.of("/usr/bin/inotifywait");

    /** Imports the test image into this engine unless it has it. */
    public static synchronized void ensureImage(DockerClient client, DockerHost host) {
        ensure(client, host, IMAGE, List.of());
    }

    /**
     * The test image plus the host's inotifywait and the libraries it links (inotify-tools), so the watch's inotify
     * path runs for real.
     */
    public static synchronized void ensureInotifyImage(DockerClient client, DockerHost host) {
        Requirements.require(Files.isExecutable(INOTIFYWAIT), "inotifywait for the inotify test image (apt-get install inotify-tools)");
        List<Path> files = new java.util.ArrayList<>(List.of(INOTIFYWAIT));
        try {
            Process ldd = new ProcessBuilder("ldd", INOTIFYWAIT.toString()).redirectErrorStream(true).start();
            String out = new String(ldd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ldd.waitFor();
            for (String token : out.split("\\s+")) if (token.startsWith("/")) files.add(Path.of(token));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ensure(client, host, INOTIFY_IMAGE, files);
    }

    private static void ensure(DockerClient client, DockerHost host, String image, List<Path> extra) {
        try {
            client.inspectImageCmd(image).exec();
            return;
        } catch (NotFoundException absent) {
            // import it below
        }
        try {
            Path root = Files.createTempDirectory("sandtable-busybox-root");
            Path tar = Files.createTempFile("sandtable-busybox", ".tar");
            try {
                Path bin = Files.createDirectories(root.resolve("bin"));
                Files.copy(BUSYBOX, bin.resolve("busybox"));
                Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
                String applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                list.waitFor();
                for (String a : applets.split("\\s+")) {
                    if (a.isBlank() || a.equals("busybox")) continue;
                    Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
                }
                Path tmp = Files.createDirectories(root.resolve("tmp"));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
                for (String d : List.of("etc", "root", "work", "proc", "sys", "dev")) Files.createDirectories(root.resolve(d));
                Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
                for (Path f : extra) {
                    Path target = root.resolve(f.toString().substring(1));
                    Files.createDirectories(target.getParent());
                    Files.copy(f.toRealPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                Process p = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) throw new IllegalStateException("tar failed: " + out);
                // the docker CLI: docker-java's import (createImageCmd with a stream) ends the upload early on httpclient5
                Process imp = new ProcessBuilder("docker", "-H", host.uri().toString(), "import", tar.toString(), image)
                        .redirectErrorStream(true).start();
                String impOut = new String(imp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (imp.waitFor() != 0) throw new IllegalStateException("docker import failed: " + impOut);
            } finally {
                try (var walk = Files.walk(root)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
                Files.deleteIfExists(tar);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not build the busybox test image: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        client.inspectImageCmd(image).exec();
    }

    /** Runs a command in a container and returns its output (stdout and stderr). */
    public static String run(DockerClient client, String containerId, String... cmd) {
        String exec = client.execCreateCmd(containerId).withAttachStdout(true).withAttachStderr(true).withCmd(cmd).exec().getId();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            client.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame f) {
                    synchronized (out) {
                        out.writeBytes(f.getPayload());
                    }
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public static DockerClient rawClient(DockerHost host) {
        return DockerConnection.open(host, "test").client();
    }
}
