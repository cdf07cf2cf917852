package dev.sandtable.app.cli;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SourceKind;
import dev.sandtable.service.SandtableVersion;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.SandtableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code sandtable <command>}: the command line. It talks to the per-user Sandtable service, starting it when needed,
 * so separate invocations and the window all see the same sandboxes.
 */
@Command(name = "sandtable", mixinStandardHelpOptions = true, versionProvider = SandtableCli.Version.class,
        description = {"Manage sandboxes, snapshots, templates and warm pools.",
                "Without a command, ./sandtable opens the window.",
                "The service starts on first use and keeps running, with its sandboxes,",
                "until 'sandtable service stop'. Sandboxes marked NOT ISOLATED run with",
                "your user's full access to this machine."},
        subcommands = {PoolCommand.class, SnapshotsCommand.class, TemplatesCommand.class, ServiceCommand.class,
                ServeCommand.class, ProbeCommand.class, CommandLine.HelpCommand.class,
                HelperCommand.class, LogsCommand.class},
        footerHeading = "%nEnvironment:%n",
        footer = {"  SANDTABLE_HOME     keep everything, service included, below this folder",
                "  SANDTABLE_BACKEND  synthetic: a service started on demand keeps its",
                "                     sandboxes in memory (demos)"},
        sortOptions = false)
public final class SandtableCli implements Callable<Integer> {

    @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Use the separate Sandtable instance kept in DIR (like SANDTABLE_HOME).")
    Path home;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as JSON, for scripts.")
    boolean json;

    // --- which backend (docs/docker-backend.md, docs/kubernetes-backend.md); give these before the command
    @Option(names = "--backend", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = {"Act on: service (the default: your Sandtable service), docker (a Docker engine, directly),",
                    "kubernetes (a kubeconfig context), e2b (E2B_API_URL, E2B_API_KEY, E2B_DOMAIN) or opensandbox",
                    "(OPEN_SANDBOX_API_URL, OPEN_SANDBOX_API_KEY). For serve: local (the default) or synthetic (in-memory sandboxes for demos)."})
    String backendName;

    @Option(names = "--docker-host", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The Docker engine for --backend docker (default: DOCKER_HOST, the current context, /var/run/docker.sock).")
    String dockerHost;

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "With --backend kubernetes: the kubeconfig context (default: the current one).")
    String kubeContext;

    @Option(names = "--namespace", scope = ScopeType.INHERIT, paramLabel = "NS",
            description = "With --backend kubernetes: the namespace (default: the context's).")
    String kubeNamespace;
    // ---

    final CliContext ctx;

    SandtableCli(CliContext ctx) {
        this.ctx = ctx;
    }

    /** Runs the command line on the process's stdout and stderr; returns the exit code. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return run(out, err, args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try (CliContext ctx = new CliContext(out, err)) {
            SandtableCli cli = new SandtableCli(ctx);
            CommandLine cmd = new CommandLine(cli).setOut(out).setErr(err)
                    .setExecutionStrategy(parsed -> {
                        ctx.home = cli.home;
                        ctx.json = cli.json;
                        ctx.backendName = cli.backendName;
                        ctx.dockerHost = cli.dockerHost;
                        ctx.kubeContext = cli.kubeContext;
                        ctx.kubeNamespace = cli.kubeNamespace;
                        return new CommandLine.RunLast().execute(parsed);
                    })
                    .setParameterExceptionHandler(SandtableCli::usageError)
                    .setExecutionExceptionHandler((e, c, parsed) -> failure(e, c));
            documentExitCodes(cmd);
            orderCommands(cmd);
            int code = cmd.execute(args);
            out.flush();
            err.flush();
            return code;
        }
    }

    @Override
    public Integer call() {
        ctx.out.println(new CommandLine(this).getUsageMessage());
        return ExitCodes.OK;
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the sandboxes.")
    int ls(@Option(names = {"-q", "--quiet"}, description = "Print only the names.") boolean quiet) {
        Inventory inv = ctx.inventory();
        List<Sandbox> sandboxes = inv.sandboxes();
        if (ctx.json) {
            ctx.printJsonList(sandboxes, Sandbox.class);
            return ExitCodes.OK;
        }
        if (quiet) {
            sandboxes.forEach(s -> ctx.out.println(s.name()));
            return ExitCodes.OK;
        }
        if (sandboxes.isEmpty()) {
            ctx.out.println("no sandboxes; create one with: sandtable create NAME");
            return ExitCodes.OK;
        }
        Map<String, String> snapshotNames = inv.snapshots().stream().collect(Collectors.toMap(Snapshot::id, Snapshot::name));
        Table t = new Table("NAME", "ID", "STATE", "SOURCE", "POOL", "ISOLATION", "CREATED");
        for (Sandbox s : sandboxes) {
            String state = s.state().label() + (s.stateReason() == null ? "" : " (" + s.stateReason() + ")");
            t.row(s.name(), s.id(), state, source(s, snapshotNames), s.poolName(), Formats.isolation(s.isolation()),
                    Formats.ago(s.createdAt(), ctx.now()));
        }
        t.print(ctx.out);
        List<Sandbox> exposed = sandboxes.stream().filter(s -> s.isolation() == null || !s.isolation().isolated()).toList();
        if (!exposed.isEmpty()) {
            Map<String, List<String>> byReason = exposed.stream().collect(Collectors.groupingBy(
                    s -> s.isolation() == null || s.isolation().detail() == null ? "no isolation detail" : s.isolation().detail(),
                    java.util.LinkedHashMap::new, Collectors.mapping(Sandbox::name, Collectors.toList())));
            byReason.forEach((why, names) -> ctx.out.println("! NOT ISOLATED: " + String.join(", ", names)
                    + ": they run with your user's full access to this machine (" + why + ")"));
        }
        return ExitCodes.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a sandbox and start it.")
    int create(@Parameters(paramLabel = "NAME", arity = "0..1", description = "Its name (a DNS label); generated when omitted.") String name,
               @Option(names = {"-t", "--template"}, paramLabel = "TEMPLATE", description = "Template to start from (default: the backend's).") String template,
               @Option(names = "--from-snapshot", paramLabel = "SNAPSHOT", description = "Start from this snapshot instead (like restore).") String snapshot,
               @Option(names = {"-l", "--label"}, paramLabel = "KEY=VALUE", description = "A label to attach; repeatable.") Map<String, String> labels,
               @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Docker: an environment variable; repeatable.") Map<String, String> env,
               @Option(names = "--memory", paramLabel = "MIB", description = "Docker: memory limit in MiB.") Long memoryMib,
               @Option(names = "--cpus", paramLabel = "N", description = "Docker: CPU limit, e.g. 0.5.") Double cpus,
               @Option(names = "--cmd", paramLabel = "ARG", arity = "1..*", description = "Docker: the main process and its arguments (default: the image's).") List<String> cmd) {
        if (template != null && snapshot != null)
            throw new CommandLine.ParameterException(new CommandLine(this), "give --template or --from-snapshot, not both");
        boolean dockerOnly = env != null || memoryMib != null || cpus != null || cmd != null;
        if (dockerOnly) {
            if (snapshot != null) throw new CommandLine.ParameterException(new CommandLine(this), "--env, --memory, --cpus and --cmd apply to images, not snapshots");
            var spec = new dev.sandtable.docker.DockerCreateSpec(template, name, cmd, env, memoryMib == null ? null : memoryMib * 1024 * 1024,
                    cpus == null ? null : Math.round(cpus * 1_000_000_000L), labels);
            return printSandbox("created sandbox", CliContext.await(ctx.docker("create --env/--memory/--cpus/--cmd").create(spec)));
        }
        Sandbox s = CliContext.await(ctx.backend().create(new CreateSandboxRequest(name, template, snapshot, labels)));
        return printSandbox("created sandbox", s);
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a running sandbox (its processes are frozen).")
    int pause(@Parameters(paramLabel = "SANDBOX", description = "Name or id.") String ref) {
        return printSandbox("paused", CliContext.await(ctx.backend().pause(ref)));
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused sandbox.")
    int resume(@Parameters(paramLabel = "SANDBOX", description = "Name or id.") String ref) {
        return printSandbox("resumed", CliContext.await(ctx.backend().resume(ref)));
    }

    // --- Docker backend: containers can be stopped and started again (docs/docker-backend.md)
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a Docker sandbox (TERM, KILL after 2 s); 'start' runs it again. Needs --backend docker.")
    int stop(@Parameters(paramLabel = "SANDBOX", description = "Name or id.") String ref) {
        return printSandbox("stopped", CliContext.await(ctx.docker("stop").stop(ref)));
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stopped Docker sandbox again. Needs --backend docker.")
    int start(@Parameters(paramLabel = "SANDBOX", description = "Name or id.") String ref) {
        return printSandbox("started", CliContext.await(ctx.docker("start").start(ref)));
    }
    // ---

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Destroy sandboxes (their files are deleted; snapshots of them stay).")
    int rm(@Parameters(paramLabel = "SANDBOX", arity = "1..*", description = "Names or ids.") List<String> refs) {
        int code = ExitCodes.OK;
        for (String ref : refs) {
            try {
                CliContext.await(ctx.backend().destroy(ref));
                if (!ctx.json) ctx.out.println("removed " + ref);
            } catch (SandtableException e) {
                ctx.err.println("sandtable: " + e.getMessage());
                code = Math.max(code, ExitCodes.of(e));
                if (e.code() == dev.sandtable.spi.ErrorCode.UNAVAILABLE) return code;
            }
        }
        return code;
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Snapshot a sandbox; restore it any number of times with 'sandtable restore'.")
    int snapshot(@Parameters(index = "0", paramLabel = "SANDBOX", description = "Name or id.") String ref,
                 @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The snapshot's name; generated when omitted.") String name) {
        Snapshot snap = CliContext.await(ctx.backend().snapshot(ref, name));
        if (ctx.json) ctx.printJson(snap);
        else ctx.out.println("snapshot " + snap.name() + " (id " + snap.id() + ") of " + snap.sourceSandboxName() + ": "
                + Formats.lower(snap.kind()) + ", " + snap.fileCount() + " files, " + Formats.bytes(snap.sizeBytes()));
        return ExitCodes.OK;
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, description = "Create a new sandbox from a snapshot.")
    int restore(@Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Name or id.") String snapshot,
                @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "The new sandbox's name; generated when omitted.") String name) {
        return printSandbox("restored " + snapshot + " into", CliContext.await(ctx.backend().restore(snapshot, name)));
    }

    private int printSandbox(String verb, Sandbox s) {
        if (ctx.json) ctx.printJson(s);
        else ctx.out.println(verb + " " + s.name() + " (id " + s.id() + "): " + s.state().label().toLowerCase(java.util.Locale.ROOT)
                + ", " + Formats.isolationSentence(s.isolation()));
        return ExitCodes.OK;
    }

    private static String source(Sandbox s, Map<String, String> snapshotNames) {
        if (s.sourceKind() == SourceKind.UNKNOWN && s.sourceRef() == null) return "-";
        String ref = s.sourceKind() == SourceKind.SNAPSHOT ? snapshotNames.getOrDefault(s.sourceRef(), s.sourceRef()) : s.sourceRef();
        return Formats.lower(s.sourceKind()) + " " + Objects.requireNonNullElse(ref, "");
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("sandtable: " + e.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ExitCodes.USAGE;
    }

    private static int failure(Exception e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        SandtableException se = SandtableException.of(e);
        if (se.code() == dev.sandtable.spi.ErrorCode.INTERNAL && !(e instanceof SandtableException))
            err.println("sandtable: internal error: " + e);
        else
            err.println("sandtable: " + se.getMessage());
        return ExitCodes.of(se);
    }

    /** The order commands are listed in: a sandbox's lifecycle first, then the other resources, then the service. */
    private static final List<String> ORDER = List.of("ls", "create", "pause", "resume", "stop", "start", "snapshot", "restore", "rm",
            "logs",
            "snapshots", "templates", "pool", "serve", "service", "probe", "helper", "help");

    private static void orderCommands(CommandLine cmd) {
        cmd.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> {
            Map<String, CommandLine.Help> ordered = new java.util.LinkedHashMap<>();
            ORDER.forEach(name -> {
                if (help.subcommands().containsKey(name)) ordered.put(name, help.subcommands().get(name));
            });
            ordered.putAll(help.subcommands());
            return help.commandList(ordered);
        });
    }

    private static void documentExitCodes(CommandLine cmd) {
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        cmd.getSubcommands().values().forEach(SandtableCli::documentExitCodes);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"sandtable " + SandtableVersion.get() + " (Java " + Runtime.version() + ")"};
        }
    }
}
