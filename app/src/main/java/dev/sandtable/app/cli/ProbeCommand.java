package dev.sandtable.app.cli;

import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.latency.Comparison;
import dev.sandtable.latency.LatencyLab;
import dev.sandtable.latency.Metric;
import dev.sandtable.latency.ProbeListener;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;
import dev.sandtable.latency.ProbeRun;
import dev.sandtable.latency.ProbeSettings;
import dev.sandtable.latency.ProbeTarget;
import dev.sandtable.latency.Protocol;
import dev.sandtable.latency.StreamKind;
import dev.sandtable.latency.StreamResult;
import dev.sandtable.latency.Verdict;
import dev.sandtable.opensandbox.OpenSandboxConfig;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sandtable probe}: the latency lab on the command line (docs/latency-lab.md). */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the latency of envd's streams (WatchDir, PTY, Start, Connect, SendInput, keepalives) of an",
                "E2B-compatible platform and tell whether a proxy buffers them: each stream gets a verdict, PROMPT,",
                "DELAYED, BUFFERED or FAILED, with p50/p90/p99/max. Without --sandbox a temporary sandbox is created",
                "and killed after. --json prints the report as JSON; --json FILE writes it to FILE.",
                "With --opensandbox-url or --execd-url: an OpenSandbox sandbox's execd instead (POST /command SSE,",
                "background commands, its PTY WebSocket, ping keepalives, the polled directory watch)."},
        footerHeading = "%nEnvironment (flags win):%n",
        footer = {"  E2B_API_URL, E2B_API_KEY, E2B_DOMAIN, E2B_SANDBOX_URL   as for the E2B SDKs",
                "  SANDTABLE_E2B_PROXY_URL   CubeProxy path routing (<url>/sandbox/<id>/49983)",
                "  SANDTABLE_E2B_USER        the envd user (user for envd < 0.4)",
                "  SSL_CERT_FILE             extra CA certificates to trust (PEM), like --ca-cert",
                "  OPEN_SANDBOX_API_KEY      the OpenSandbox API key (with --opensandbox-url; --api-key wins)"})
final class ProbeCommand implements Callable<Integer> {

    @ParentCommand
    SandtableCli root;

    @Option(names = "--api-url", paramLabel = "URL", description = "The control plane (E2B_API_URL).")
    String apiUrl;
    @Option(names = "--api-key", paramLabel = "KEY", description = "The API key (E2B_API_KEY; with --opensandbox-url the OpenSandbox key, OPEN_SANDBOX_API_KEY).")
    String apiKey;
    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Sandbox domain for host routing (E2B_DOMAIN).")
    String domain;
    @Option(names = "--sandbox-url", paramLabel = "URL", description = "One envd URL for every sandbox, routed by header (E2B_SANDBOX_URL).")
    String sandboxUrl;
    @Option(names = "--ca-cert", paramLabel = "FILE", description = "Also trust the CA certificates in this PEM file (SSL_CERT_FILE).")
    Path caCert;
    @Option(names = "--sandbox", paramLabel = "ID", description = "Probe this running sandbox (default: create a temporary one, kill it after).")
    String sandbox;
    @Option(names = "--template", paramLabel = "TEMPLATE", description = "Template of the temporary sandbox (default: the platform's).")
    String template;
    @Option(names = "--compare", paramLabel = "URL", description = "A/B: also probe the same sandbox through this envd URL (e.g. direct vs. a proxy).")
    String compare;
    @Option(names = "--opensandbox-url", paramLabel = "URL",
            description = "Probe an OpenSandbox sandbox's execd: the lifecycle server (e.g. http://host:8080/v1) gives its address and token.")
    String openSandboxUrl;
    @Option(names = "--execd-url", paramLabel = "URL", description = "execd's own base URL (alone: that execd directly; with --opensandbox-url: instead of the address the server gives).")
    String execdUrl;
    @Option(names = "--execd-token", paramLabel = "TOKEN", description = "execd's X-EXECD-ACCESS-TOKEN (the server's endpoint gives it otherwise).")
    String execdToken;
    @Option(names = "--watch-poll-ms", paramLabel = "MS", defaultValue = "1000",
            description = "execd: the polling interval of the directory-watch fallback, its resolution (default 1000, as the window's watch).")
    long watchPollMs;
    @Option(names = "--streams", paramLabel = "LIST", defaultValue = "all",
            description = "Comma-separated: watchdir, pty, start, connect, sendinput, keepalive, background (execd), or all (default: every one the agent has).")
    String streams;
    @Option(names = {"-n", "--iterations"}, paramLabel = "N", defaultValue = "20", description = "Repetitions of each measurement (default 20).")
    int iterations;
    @Option(names = "--window", paramLabel = "MS", defaultValue = "3000",
            description = "The evidence trials produce frames over this many ms (default 3000).")
    long windowMs;
    @Option(names = "--timeout", paramLabel = "S", defaultValue = "10", description = "Deadline of every call and wait, in seconds (default 10).")
    long timeoutSeconds;
    @Option(names = "--delayed-ms", paramLabel = "MS", defaultValue = "500", description = "A p50 above this is DELAYED (default 500).")
    double delayedMs;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the percentiles as CSV.")
    Path csv;
    @Parameters(arity = "0..1", paramLabel = "FILE", hidden = true, description = "With --json: write the report there.")
    Path jsonFile;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = root.ctx;
        if (jsonFile != null && !ctx.json)
            throw new CommandLine.ParameterException(new CommandLine(this), "unexpected argument '" + jsonFile + "' (did you mean --json " + jsonFile + "?)");
        if (iterations < 1 || iterations > 100_000) throw usage("--iterations must be between 1 and 100000");
        if (windowMs < 400 || timeoutSeconds < 1) throw usage("--window must be at least 400 ms and --timeout at least 1 s");
        boolean execd = openSandboxUrl != null || execdUrl != null;
        List<ProbeTarget> targets = new ArrayList<>();
        if (execd) {
            if (apiUrl != null || domain != null || sandboxUrl != null)
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--api-url, --domain and --sandbox-url are for an E2B platform's envd; "
                        + "with --opensandbox-url or --execd-url, use --execd-url for execd's address");
            ProbeTarget.Execd t = execdTarget();
            targets.add(t);
            if (compare != null) targets.add(t.through("compare", url(compare, "--compare")));
        } else {
            E2bConfig config = config();
            targets.add(ProbeTarget.envd("endpoint", config));
            if (compare != null) targets.add(ProbeTarget.envd("compare", compareConfig(config)));
        }
        List<StreamKind> kinds = StreamKind.parseList(streams);
        Protocol protocol = targets.getFirst().protocol();
        if (!streams.trim().equalsIgnoreCase("all")) {
            List<String> missing = kinds.stream().filter(k -> !k.supports(protocol)).map(StreamKind::cliName).toList();
            if (!missing.isEmpty()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, protocol.agent() + " has no " + String.join(", ", missing) + " stream; it has "
                    + String.join(", ", StreamKind.supported(protocol).stream().map(StreamKind::cliName).toList()));
        }
        ProbeSettings settings = ProbeSettings.defaults().withStreams(kinds).withIterations(iterations)
                .withSpreadWindow(Duration.ofMillis(windowMs)).withCallTimeout(Duration.ofSeconds(timeoutSeconds))
                .withThresholds(ProbeSettings.defaults().thresholds().withDelayedMs(delayedMs));
        boolean toStdout = ctx.json && jsonFile == null;
        ProbeListener progress = toStdout ? ProbeListener.NONE : new ProbeListener() {
            @Override
            public void streamFinished(StreamResult r) {
                ctx.err.println("probe: " + r.endpoint() + " " + r.stream().cliName() + ": " + r.verdict());
                ctx.err.flush();
            }
        };
        ProbeRun run = LatencyLab.start(targets, sandbox, template, settings, progress);
        // Ctrl+C: end the trial in flight and give the run a moment to kill its temporary sandbox
        Thread hook = new Thread(() -> {
            run.cancel();
            try {
                run.report().get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // exiting anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        ProbeReport report;
        try {
            long bound = 120 + (long) settings.streams().size() * targets.size() * (iterations + 1)
                    * (2 * timeoutSeconds + 2 * windowMs / 1000 + 1);
            report = run.await(bound);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        if (ctx.json && jsonFile != null) write(jsonFile, ProbeReports.toJson(report) + "\n");
        if (csv != null) write(csv, ProbeReports.toCsv(report));
        if (toStdout) ctx.out.println(ProbeReports.toJson(report));
        else print(ctx, report);
        return exitCode(report.overall());
    }

    static int exitCode(Verdict v) {
        return switch (v) {
            case PROMPT -> ExitCodes.OK;
            case DELAYED -> ExitCodes.PROBE_DELAYED;
            case BUFFERED -> ExitCodes.PROBE_BUFFERED;
            case FAILED -> ExitCodes.PROBE_FAILED;
        };
    }

    private CommandLine.ParameterException usage(String m) {
        return new CommandLine.ParameterException(new CommandLine(this), m);
    }

    private E2bConfig config() {
        Map<String, String> env = new HashMap<>(CliContext.environment.get());
        if (apiUrl != null) env.put("E2B_API_URL", apiUrl);
        if (apiKey != null) env.put("E2B_API_KEY", apiKey);
        if (domain != null) env.put("E2B_DOMAIN", domain);
        if (sandboxUrl != null) {
            env.put("E2B_SANDBOX_URL", sandboxUrl);
            env.remove("SANDTABLE_E2B_PROXY_URL");
        }
        if (caCert != null) env.put("SSL_CERT_FILE", caCert.toString());
        String ca = env.get("SSL_CERT_FILE");
        if (ca != null && !ca.isBlank() && !Files.isReadable(Path.of(ca.trim())))
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the CA certificate file " + ca + " cannot be read");
        try {
            return E2bConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "bad URL: " + e.getMessage(), e);
        }
    }

    /** The execd target: through the OpenSandbox server (which gives execd's address and token), or execd's URL directly. */
    private ProbeTarget.Execd execdTarget() {
        Map<String, String> env = CliContext.environment.get();
        if (watchPollMs < 10) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--watch-poll-ms must be at least 10");
        String ca = caCert != null ? caCert.toString() : env.get("SSL_CERT_FILE");
        if (ca != null && !ca.isBlank() && !Files.isReadable(Path.of(ca.trim())))
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "the CA certificate file " + ca + " cannot be read");
        OpenSandboxConfig server = null;
        if (openSandboxUrl != null) {
            String key = apiKey != null ? apiKey : env.get("OPEN_SANDBOX_API_KEY");
            server = new OpenSandboxConfig(url(openSandboxUrl, "--opensandbox-url"), key);
            if (sandbox == null && execdUrl != null)
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--execd-url with --opensandbox-url needs --sandbox ID (a temporary sandbox's execd has an address only the server knows)");
        } else if (sandbox != null || template != null) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--sandbox and --template need --opensandbox-url; --execd-url alone reaches the one sandbox that execd runs in");
        }
        Map<String, String> headers = execdToken == null ? Map.of() : Map.of("X-EXECD-ACCESS-TOKEN", execdToken);
        return new ProbeTarget.Execd("endpoint", server, execdUrl == null ? null : url(execdUrl, "--execd-url"), headers,
                ca == null || ca.isBlank() ? null : Path.of(ca.trim()), Duration.ofMillis(watchPollMs));
    }

    private static URI url(String s, String option) {
        URI u;
        try {
            u = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, option + ": bad URL: " + e.getMessage(), e);
        }
        if (u.getHost() == null || u.getScheme() == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, option + " needs a URL such as http://host:port");
        return u;
    }

    private E2bConfig compareConfig(E2bConfig c) {
        URI u;
        try {
            u = URI.create(compare);
        } catch (IllegalArgumentException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--compare: bad URL: " + e.getMessage(), e);
        }
        if (u.getHost() == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--compare needs a URL such as https://proxy.example.com");
        return c.withRouting(c.routing() == E2bConfig.Routing.PATH ? E2bConfig.Routing.PATH : E2bConfig.Routing.SANDBOX_URL, u);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void print(CliContext ctx, ProbeReport r) {
        r.endpoints().forEach(e -> ctx.out.println(e.label() + ": " + e.protocol().agent() + " " + e.envdUrl()
                + (e.sandboxId() == null ? "" : ", sandbox " + e.sandboxId()) + (e.temporary() ? " (temporary)" : "")));
        Table t = new Table("ENDPOINT", "STREAM", "VERDICT", "METRIC", "N", "P50 MS", "P90 MS", "P99 MS", "MAX MS");
        for (StreamResult s : r.results()) {
            if (s.metrics().isEmpty()) t.row(s.endpoint(), s.stream().cliName(), s.verdict());
            for (Metric m : s.metrics())
                t.row(s.endpoint(), s.stream().cliName(), s.verdict(), m.name(), m.count(), ms(m.p50Ms(), m.count()), ms(m.p90Ms(), m.count()),
                        ms(m.p99Ms(), m.count()), ms(m.maxMs(), m.count()));
        }
        if (!t.isEmpty()) t.print(ctx.out);
        for (StreamResult s : r.results())
            if (s.verdict() != Verdict.PROMPT) ctx.out.println(s.verdict() + " " + s.endpoint() + " " + s.stream().cliName() + ": " + s.reason());
        if (!r.comparisons().isEmpty()) {
            Table c = new Table("STREAM", "METRIC", "P50 " + r.comparisons().getFirst().a().toUpperCase(Locale.ROOT),
                    "P50 " + r.comparisons().getFirst().b().toUpperCase(Locale.ROOT), "RATIO");
            for (Comparison x : r.comparisons())
                c.row(x.stream().cliName(), x.metric(), ms(x.p50A(), 1), ms(x.p50B(), 1), String.format(Locale.ROOT, "%.2fx", x.ratio()));
            ctx.out.println();
            c.print(ctx.out);
        }
        if (r.failure() != null) ctx.err.println("sandtable: probe failed: " + r.failure());
        ctx.out.println("overall: " + r.overall() + String.format(Locale.ROOT, " (%.1f s)", r.elapsedMs() / 1000));
    }

    private static String ms(double v, long n) {
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
