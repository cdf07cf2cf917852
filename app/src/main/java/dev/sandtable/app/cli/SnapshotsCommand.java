package dev.sandtable.app.cli;

import dev.sandtable.model.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code sandtable snapshots [ls|rm]}: the snapshots, restorable any number of times. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"List or delete snapshots. Take one with 'sandtable snapshot SANDBOX', restore with 'sandtable restore'.",
                "Without a subcommand, lists them."})
final class SnapshotsCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Override
    public Integer call() {
        return ls();
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the snapshots.")
    int ls() {
        CliContext ctx = root.ctx;
        List<Snapshot> snapshots = ctx.inventory().snapshots();
        if (ctx.json) {
            ctx.printJsonList(snapshots, Snapshot.class);
            return ExitCodes.OK;
        }
        if (snapshots.isEmpty()) {
            ctx.out.println("no snapshots; take one with: sandtable snapshot SANDBOX [NAME]");
            return ExitCodes.OK;
        }
        Table t = new Table("NAME", "ID", "FROM", "KIND", "STATE", "FILES", "SIZE", "CREATED");
        for (Snapshot s : snapshots) {
            t.row(s.name(), s.id(), s.sourceSandboxName(), Formats.lower(s.kind()), Formats.lower(s.state()), s.fileCount(),
                    Formats.bytes(s.sizeBytes()), Formats.ago(s.createdAt(), ctx.now()));
        }
        t.print(ctx.out);
        return ExitCodes.OK;
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete snapshots (sandboxes restored from them keep running).")
    int rm(@Parameters(paramLabel = "SNAPSHOT", arity = "1..*", description = "Names or ids.") List<String> refs) {
        CliContext ctx = root.ctx;
        for (String ref : refs) {
            CliContext.await(ctx.backend().deleteSnapshot(ref));
            if (!ctx.json) ctx.out.println("deleted snapshot " + ref);
        }
        return ExitCodes.OK;
    }
}
