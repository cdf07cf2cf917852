package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the user's Sandtable service, or starts it, as Docker's and Podman's clients do: whichever of the window
 * and the command line needs it first starts it as a detached process that outlives them.
 */
public final class ServiceConnector {
    private static final String MAIN_CLASS = ServiceMain.class.getName();
    private static final long LOG_ROTATE_BYTES = 4L << 20;
    /** A live service answers /health in milliseconds; a hung one must not hold up every command for long. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration LOCK_HOLDER_GRACE = Duration.ofSeconds(10);

    /**
     * @param backend      the backend a started service runs ({@link ServiceBackends})
     * @param startTimeout how long to wait for a started service to be ready
     * @param progress     told when a service is being started (the CLI prints it on stderr)
     * @param timeouts     the client's timeouts
     */
    public record Options(String backend, Duration startTimeout, Consumer<String> progress, ServiceClient.Timeouts timeouts) {
        public static Options defaults() {
            return new Options(ServiceBackends.defaultName(), Duration.ofSeconds(30), m -> { }, ServiceClient.Timeouts.defaults());
        }

        public Options withBackend(String b) {
            return new Options(b, startTimeout, progress, timeouts);
        }

        public Options withProgress(Consumer<String> p) {
            return new Options(backend, startTimeout, p, timeouts);
        }

        public Options withStartTimeout(Duration d) {
            return new Options(backend, d, progress, timeouts);
        }
    }

    private ServiceConnector() {
    }

    public static ServiceClient connectOrStart(RuntimePaths paths) {
        return connectOrStart(paths, Options.defaults());
    }

    /**
     * A client of the running service; starts one first when none answers. Two callers racing both start a process;
     * the per-user lock lets one of them serve and the other exits, and both callers connect to the one that serves.
     *
     * @throws SandtableException UNAVAILABLE when the service cannot be started (the message points at its log)
     */
    public static ServiceClient connectOrStart(RuntimePaths paths, Options options) {
        Optional<ServiceClient> running = connectExisting(paths, options);
        if (running.isPresent()) return running.get();
        Path log = ServiceFiles.logFile(paths);
        options.progress().accept("starting the Sandtable service (log: " + log + ")");
        Process child = startDetached(paths, options.backend());
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        boolean childDone = false;
        boolean lostTheRace = false;
        while (true) {
            running = connectExisting(paths, options);
            if (running.isPresent()) return running.get();
            if (!childDone && !child.isAlive()) {
                childDone = true;
                int code = child.exitValue();
                if (code == ServiceMain.EXIT_ALREADY_RUNNING) {
                    // another starter won the lock: its service should be ready soon; if it is hung, say so rather
                    // than wait the whole start timeout
                    lostTheRace = true;
                    deadline = Math.min(deadline, System.nanoTime() + LOCK_HOLDER_GRACE.toNanos());
                } else if (code != 0) { // 0: setsid forked, and the service runs on in the fork
                    throw new SandtableException(ErrorCode.UNAVAILABLE, "the Sandtable service failed to start (exit code "
                            + code + "); see " + log + tail(log));
                }
            }
            if (System.nanoTime() > deadline) {
                if (child.isAlive()) child.destroy();
                if (lostTheRace) throw lockHolderNotAnswering(paths, log);
                throw new SandtableException(ErrorCode.UNAVAILABLE, "the Sandtable service did not become ready within "
                        + options.startTimeout().toSeconds() + " s; see " + log + tail(log));
            }
            sleep(50);
        }
    }

    private static SandtableException lockHolderNotAnswering(RuntimePaths paths, Path log) {
        String who = ServiceFiles.read(paths)
                .map(i -> "a Sandtable service (pid " + i.pid() + " at " + i.url() + ") holds the lock in " + paths.runtime()
                        + " but does not answer; stop it (kill " + i.pid() + ") and try again")
                .orElse("another Sandtable service holds the lock " + ServiceFiles.lockFile(paths)
                        + " but does not answer; stop it and try again");
        return new SandtableException(ErrorCode.UNAVAILABLE, who + "; see " + log);
    }

    /** A client of the service that runs now, or empty when none answers (a stale service.json counts as none). */
    public static Optional<ServiceClient> connectExisting(RuntimePaths paths, Options options) {
        Optional<ServiceInfo> info = ServiceFiles.read(paths);
        if (info.isEmpty() || !healthy(info.get(), options.timeouts())) return Optional.empty();
        try {
            return Optional.of(ServiceClient.connect(() -> ServiceFiles.locate(paths), options.timeouts()));
        } catch (SandtableException e) {
            if (e.code() == ErrorCode.UNAVAILABLE) return Optional.empty();
            throw e;
        }
    }

    /** GET /health: is something that calls itself a Sandtable service listening there? */
    static boolean healthy(ServiceInfo info, ServiceClient.Timeouts timeouts) {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeouts.connect()).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(info.uri(Api.HEALTH)).timeout(HEALTH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"ok\"");
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts {@code ServiceMain serve} as a detached process: the same java and class path as this JVM, in its own
     * session (setsid) so that Ctrl+C in the user's terminal does not reach it, output appended to service.log.
     */
    static Process startDetached(RuntimePaths paths, String backend) {
        Path log = ServiceFiles.logFile(paths);
        try {
            ServiceFiles.ensurePrivateDir(paths.runtime());
            Files.createDirectories(paths.state());
            rotate(log);
            ProcessBuilder pb = new ProcessBuilder(command(paths, backend))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return pb.start();
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.UNAVAILABLE, "cannot start the Sandtable service: " + e.getMessage(), e);
        }
    }

    static List<String> command(RuntimePaths paths, String backend) {
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (!Files.isExecutable(setsid)) setsid = Path.of("/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        } else {
            // no setsid (macOS): ignore SIGINT instead; an ignored signal stays ignored across exec
            cmd.addAll(List.of("/bin/sh", "-c", "trap '' INT; exec \"$0\" \"$@\""));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        // a class-data archive of the service's own classes, made at its first exit: later starts are faster.
        // The JVM can archive only from jars: with class folders on the path (tests, IDEs) its exit code would change.
        if (classPathIsAllJars()) {
            cmd.add("-XX:SharedArchiveFile=" + cdsArchive(paths));
            cmd.add("-XX:+AutoCreateSharedArchive");
            cmd.add("-Xlog:cds=off");
            cmd.add("-Xlog:cds+dynamic=off");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN_CLASS);
        cmd.addAll(List.of("serve", "--data", paths.data().toString(), "--state", paths.state().toString(),
                "--runtime", paths.runtime().toString(), "--backend", backend));
        return cmd;
    }

    private static boolean classPathIsAllJars() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith(".jar") || !new File(entry).isFile()) return false;
        }
        return true;
    }

    /**
     * The service's class-data archive, named after its class path and the jars' times: the JVM stops using an
     * archive whose jars changed but does not make a new one, so a rebuilt app gets a new name (old ones are removed).
     */
    static Path cdsArchive(RuntimePaths paths) {
        StringBuilder key = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            key.append(entry).append('@').append(new File(entry).lastModified()).append(';');
        }
        String name = "service-cds-" + Integer.toHexString(key.toString().hashCode()) + ".jsa";
        try (var old = Files.newDirectoryStream(paths.state(), "service-cds*.jsa")) {
            for (Path p : old) if (!p.getFileName().toString().equals(name)) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // an old archive left behind costs only disk space
        }
        return paths.state().resolve(name);
    }

    private static void rotate(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES)
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return last.isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", last);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandtableException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the Sandtable service");
        }
    }
}
