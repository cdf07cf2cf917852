package dev.sandtable.service;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.spi.SandtableException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the service in the foreground: {@code serve [--home DIR | --data D --state S --runtime R] [--port N]
 * [--backend local|synthetic]}. Ctrl+C or SIGTERM stops it cleanly (the backend closes, the local runtime stops its
 * sandboxes). This is also what {@link ServiceConnector} starts as a detached process.
 */
public final class ServiceMain {
    /** Exit code when another service already holds the per-user lock. */
    public static final int EXIT_ALREADY_RUNNING = 4;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 3;

    private ServiceMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(List.of(args), out, err));
    }

    static int run(List<String> args, PrintWriter out, PrintWriter err) {
        if (args.isEmpty() || !args.getFirst().equals("serve")) {
            err.println("usage: ServiceMain serve [--home DIR | --data DIR --state DIR --runtime DIR] [--port N] [--backend local|synthetic]");
            return EXIT_USAGE;
        }
        Path home = null, data = null, state = null, runtime = null;
        int port = 0;
        String backend = ServiceBackends.defaultName();
        try {
            for (int i = 1; i < args.size(); i++) {
                String a = args.get(i);
                String v = i + 1 < args.size() ? args.get(i + 1) : null;
                if (v == null) throw new IllegalArgumentException(a + " needs a value");
                switch (a) {
                    case "--home" -> home = Path.of(v);
                    case "--data" -> data = Path.of(v);
                    case "--state" -> state = Path.of(v);
                    case "--runtime" -> runtime = Path.of(v);
                    case "--port" -> port = Integer.parseInt(v);
                    case "--backend" -> backend = v;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
                i++;
            }
            if ((data == null) != (state == null) || (data == null) != (runtime == null))
                throw new IllegalArgumentException("--data, --state and --runtime go together");
        } catch (IllegalArgumentException e) {
            err.println("sandtable: " + e.getMessage());
            return EXIT_USAGE;
        }
        RuntimePaths paths = data != null ? new RuntimePaths(data, state, runtime)
                : home != null ? RuntimePaths.under(home.toAbsolutePath()) : RuntimePaths.fromEnvironment();
        return serve(paths, backend, port, out, err);
    }

    /** The environment variables that point the E2B SDKs at this service, as {@code NAME=value} lines. */
    public static List<String> e2bEnvironment(ServiceInfo info) {
        return List.of("E2B_API_URL=" + info.url(), "E2B_SANDBOX_URL=" + info.url(), "E2B_API_KEY=" + info.apiKey(),
                "E2B_DOMAIN=" + dev.sandtable.e2b.server.E2bServer.DOMAIN);
    }

    /** Serves until stopped (POST /shutdown, Ctrl+C, SIGTERM); returns the process exit code. */
    public static int serve(RuntimePaths paths, String backendName, int port, PrintWriter out, PrintWriter err) {
        LocalService service;
        try {
            service = LocalService.start(paths, LocalService.Options.defaults().withPort(port),
                    () -> ServiceBackends.create(backendName, paths));
        } catch (SandtableException e) {
            err.println("sandtable: " + e.getMessage());
            return switch (e.code()) {
                case ALREADY_EXISTS -> EXIT_ALREADY_RUNNING;
                case INVALID_ARGUMENT -> EXIT_USAGE;
                case UNAVAILABLE -> EXIT_UNAVAILABLE;
                default -> EXIT_FAILED;
            };
        }
        Thread hook = new Thread(service::stop, "sandtable-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ServiceInfo info = service.info();
        out.println("Sandtable service " + info.version() + " (pid " + info.pid() + ", backend " + service.backend().info().displayName() + ")");
        out.println("URL:     " + info.url());
        out.println("API key: " + info.apiKey() + "  (also in " + ServiceFiles.serviceJson(paths) + ")");
        if (service.e2b().isPresent()) {
            out.println("For the E2B SDKs (docs/e2b-server.md):");
            for (String line : e2bEnvironment(info)) out.println(line);
        }
        out.println("ready; press Ctrl+C to stop the service and its sandboxes");
        out.flush();
        try {
            service.awaitStop();
        } catch (InterruptedException e) {
            service.stop();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what stopped us
        }
        return 0;
    }
}
