package dev.sandtable.app.cli;

import dev.sandtable.service.Api;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code sandtable logs SANDBOX [--follow]}: the end of a sandbox's log (what its init wrote), as the inspector shows it. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print the end of a sandbox's log (what its init wrote).",
                "With --follow, keep printing what is added until the sandbox is gone (or Ctrl+C).",
                "With --json: {\"text\": ...}; with --follow, one such object per line as text is added."})
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Parameters(paramLabel = "SANDBOX", description = "Name or id.")
    String ref;

    @Option(names = {"-f", "--follow"}, description = "Keep printing lines as they are added.")
    boolean follow;

    @Option(names = "--bytes", paramLabel = "N", description = "At most N bytes from the end (default ${DEFAULT-VALUE}, at most 4194304).")
    int bytes = Api.LOGS_DEFAULT_BYTES;

    @Option(names = "--interval-ms", paramLabel = "MS", hidden = true, description = "How often --follow reads the log again.")
    long intervalMs = 1000;

    @Override
    public Integer call() throws InterruptedException {
        CliContext ctx = root.ctx;
        if (bytes < 0 || bytes > Api.LOGS_MAX_BYTES)
            throw new CommandLine.ParameterException(new CommandLine(this), "--bytes must be between 0 and " + Api.LOGS_MAX_BYTES);
        String text = CliContext.await(ctx.backend().logs(ref, bytes));
        if (!follow) {
            if (ctx.json) ctx.printJson(new Api.LogsBody(text));
            else ctx.out.print(text);
            ctx.out.flush();
            return ExitCodes.OK;
        }
        print(ctx, text);
        while (true) {
            Thread.sleep(intervalMs);
            String now;
            try {
                now = CliContext.await(ctx.backend().logs(ref, bytes));
            } catch (SandtableException e) {
                if (e.code() != ErrorCode.NOT_FOUND) throw e;
                ctx.err.println("sandtable: " + ref + " is gone; no more log");
                ctx.err.flush();
                return ExitCodes.OK;
            }
            LogFollow.Added added = LogFollow.added(text, now);
            if (added.gap() && !ctx.json) ctx.err.println("sandtable: the log grew by more than --bytes between reads; some lines were skipped");
            print(ctx, added.text());
            text = now;
        }
    }

    private static void print(CliContext ctx, String text) {
        if (text.isEmpty()) return;
        if (ctx.json) ctx.out.println(ctx.compactJson(new Api.LogsBody(text)));
        else ctx.out.print(text);
        ctx.out.flush();
    }
}
