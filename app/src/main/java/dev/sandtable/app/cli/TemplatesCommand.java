package dev.sandtable.app.cli;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;

/** {@code sandtable templates [ls|create|rm]}: what sandboxes and pools start from. */
@Command(name = "templates", mixinStandardHelpOptions = true,
        description = {"List templates, make one from a snapshot, or delete one. Without a subcommand, lists them."})
final class TemplatesCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Override
    public Integer call() {
        return ls();
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the templates.")
    int ls() {
        CliContext ctx = root.ctx;
        Inventory inv = ctx.inventory();
        List<Template> templates = inv.templates();
        Map<String, String> snapshotNames = inv.snapshots().stream().collect(Collectors.toMap(Snapshot::id, Snapshot::name));
        if (ctx.json) {
            ctx.printJsonList(templates, Template.class);
            return ExitCodes.OK;
        }
        Table t = new Table("NAME", "ID", "KIND", "FROM", "DESCRIPTION", "CREATED");
        for (Template x : templates) {
            String from = x.sourceRef() == null ? null : snapshotNames.getOrDefault(x.sourceRef(), x.sourceRef());
            t.row(x.name(), x.id(), Formats.lower(x.templateKind()), from, x.description(),
                    x.createdAt() == null ? "built in" : Formats.ago(x.createdAt(), ctx.now()));
        }
        if (t.isEmpty()) ctx.out.println("no templates");
        else t.print(ctx.out);
        return ExitCodes.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a template from a snapshot: new sandboxes and pools can start from its files.")
    int create(@Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Name or id.") String snapshot,
               @Parameters(index = "1", paramLabel = "NAME", description = "The template's name.") String name) {
        CliContext ctx = root.ctx;
        Template t = CliContext.await(ctx.backend().createTemplate(snapshot, name));
        if (ctx.json) ctx.printJson(t);
        else ctx.out.println("created template " + t.name() + " (id " + t.id() + ") from snapshot " + snapshot
                + "; use it with: sandtable create --template " + t.id());
        return ExitCodes.OK;
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a template.")
    int rm(@Parameters(paramLabel = "TEMPLATE", description = "Name or id.") String ref) {
        CliContext.await(root.ctx.backend().deleteTemplate(ref));
        if (!root.ctx.json) root.ctx.out.println("deleted template " + ref);
        return ExitCodes.OK;
    }
}
