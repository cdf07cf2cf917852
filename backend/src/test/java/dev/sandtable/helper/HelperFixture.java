package dev.sandtable.helper;

import dev.sandtable.testing.Requirements;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real helper for a test: root and the built binary are required (skipped, or failed under CI, otherwise). It runs
 * the sanitizer build when there is one, with its own socket, state directory and image directory under {@code dir}.
 */
public final class HelperFixture implements AutoCloseable {
    public final Path dir;
    public final Path socket;
    public final Path images;
    private final Process process;
    private final Path log;

    private HelperFixture(Path dir, Process process, Path log) {
        this.dir = dir;
        this.socket = dir.resolve("run/helper.sock");
        this.images = dir.resolve("images");
        this.process = process;
        this.log = log;
    }

    public static HelperFixture start(Path dir) throws IOException, InterruptedException {
        return start(dir, true);
    }

    /** The optimized build even where a sanitizer build exists: for benchmarks. */
    public static HelperFixture startOptimized(Path dir) throws IOException, InterruptedException {
        return start(dir, false);
    }

    private static HelperFixture start(Path dir, boolean sanitized) throws IOException, InterruptedException {
        Requirements.requireRoot();
        Requirements.require(java.nio.file.Files.exists(Path.of("/dev/loop-control")), "loop devices (/dev/loop-control)");
        Requirements.require(HelperBinary.find().isPresent(), HelperBinary.howToBuild());
        Path bin = (sanitized ? HelperBinary.findSanitized() : java.util.Optional.<Path>empty()).orElse(HelperBinary.find().orElseThrow());
        Files.createDirectories(dir.resolve("images"));
        Path log = dir.resolve("helper.log");
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "serve", "--socket", dir.resolve("run/helper.sock").toString(),
                "--state-dir", dir.resolve("state").toString(), "--image-dir", dir.resolve("images").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1");
        HelperFixture f = new HelperFixture(dir, pb.start(), log);
        f.awaitSocket();
        return f;
    }

    private void awaitSocket() throws IOException, InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (Files.exists(socket)) {
                try (HelperClient c = HelperClient.connect(socket)) {
                    return;
                } catch (RuntimeException e) {
                    // not accepting yet
                }
            }
            if (!process.isAlive()) throw new IOException("the helper exited: " + Files.readString(log));
            Thread.sleep(10);
        }
        throw new IOException("the helper did not listen on " + socket + ": " + Files.readString(log));
    }

    public HelperClient client() {
        return HelperClient.connect(socket);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    public Process process() {
        return process;
    }

    /** A file of {@code size} bytes filled with {@code fill} in the image directory. */
    public Path image(String name, int size, byte fill) throws IOException {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, fill);
        return Files.write(images.resolve(name), b);
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: a clean shutdown detaches every device
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        String out = Files.readString(log);
        if (out.contains("ERROR: AddressSanitizer") || out.contains("runtime error:") || out.contains("LeakSanitizer"))
            throw new AssertionError("the sanitizer build of the helper reported an error:\n" + out);
        if (process.exitValue() != 0) throw new AssertionError("the helper exited with " + process.exitValue() + ":\n" + out);
    }
}
