package dev.sandtable.app.cli;

import dev.sandtable.service.ServiceBackends;
import dev.sandtable.service.ServiceMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code sandtable serve}: the service in the foreground. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the Sandtable service in the foreground (it otherwise starts by itself, in the background).",
                "Ctrl+C stops it and its sandboxes. Prints the URL and API key of its HTTP API (docs/service-api.md),",
                "and the E2B_* variables that point the E2B SDKs at it (docs/e2b-server.md)."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0", description = "Port on 127.0.0.1 (default: a free one).")
    int port;

    @Override
    public Integer call() {
        CliContext ctx = root.ctx;
        // --backend is the root's (inherited) option: for serve it names local (the default) or synthetic
        String name = root.backendName != null ? root.backendName : ServiceBackends.defaultName();
        return ServiceMain.serve(ctx.paths(), name, port, ctx.out, ctx.err);
    }
}
