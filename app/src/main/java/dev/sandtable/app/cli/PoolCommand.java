package dev.sandtable.app.cli;

import dev.sandtable.model.Pool;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code sandtable pool ...}: warm pools of running sandboxes, claimed and released by handle. */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = {"Warm pools: idle sandboxes kept ready, claimed in milliseconds and released by claim id.",
                "Without a subcommand, lists the pools."})
final class PoolCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Override
    public Integer call() {
        return ls();
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the pools with their members and claim statistics.")
    int ls() {
        CliContext ctx = root.ctx;
        List<Pool> pools = ctx.inventory().pools();
        if (ctx.json) {
            ctx.printJsonList(pools, Pool.class);
            return ExitCodes.OK;
        }
        if (pools.isEmpty()) {
            ctx.out.println("no pools; create one with: sandtable pool create NAME --min-idle 2 --max-size 5");
            return ExitCodes.OK;
        }
        Table t = new Table("NAME", "TEMPLATE", "MIN-IDLE", "MAX", "IDLE", "IN-USE", "STARTING", "HITS", "MISSES", "DEAD", "CLAIM-P50");
        for (Pool p : pools) {
            t.row(p.name() + (p.closing() ? " (closing)" : ""), p.templateId(), p.minIdle(), p.maxSize(), p.idle(), p.inUse(),
                    p.starting(), p.stats().hits(), p.stats().misses(), p.stats().markedDead(), Formats.p50(p.stats().claimLatency()));
        }
        t.print(ctx.out);
        return ExitCodes.OK;
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a pool; it starts min-idle members at once.")
    int create(@Parameters(paramLabel = "NAME", description = "The pool's name (a DNS label).") String name,
               @Option(names = {"-t", "--template"}, paramLabel = "TEMPLATE", description = "Template of its members (default: the backend's).") String template,
               @Option(names = "--min-idle", paramLabel = "N", defaultValue = "1", description = "Idle members kept ready (default: ${DEFAULT-VALUE}).") int minIdle,
               @Option(names = "--max-size", paramLabel = "N", defaultValue = "4", description = "Most members at once, idle plus in use (default: ${DEFAULT-VALUE}).") int maxSize) {
        Pool p = CliContext.await(root.ctx.poolBackend().createPool(new PoolSpec(name, template, minIdle, maxSize)));
        return print("created pool", p);
    }

    @Command(name = "resize", mixinStandardHelpOptions = true, description = "Change a pool's min-idle and max size (max size cannot go below the members in use).")
    int resize(@Parameters(paramLabel = "NAME") String name,
               @Option(names = "--min-idle", paramLabel = "N", description = "New min idle (default: unchanged).") Integer minIdle,
               @Option(names = "--max-size", paramLabel = "N", description = "New max size (default: unchanged).") Integer maxSize) {
        CliContext ctx = root.ctx;
        if (minIdle == null && maxSize == null)
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "give --min-idle, --max-size or both");
        int min = minIdle != null ? minIdle : -1;
        int max = maxSize != null ? maxSize : -1;
        if (minIdle == null || maxSize == null) {
            Pool now = ctx.inventory().pools().stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> SandtableException.notFound("pool", name));
            if (minIdle == null) min = now.minIdle();
            if (maxSize == null) max = now.maxSize();
        }
        return print("resized pool", CliContext.await(ctx.poolBackend().resizePool(name, min, max)));
    }

    @Command(name = "claim", mixinStandardHelpOptions = true, description = {"Take a running sandbox from a pool; prints the claim id to release it with.",
            "The claim outlives this command: release it later, from any shell."})
    int claim(@Parameters(paramLabel = "POOL") String pool,
              @Option(names = {"-q", "--quiet"}, description = "Print only the claim id.") boolean quiet) {
        CliContext ctx = root.ctx;
        Claim c = CliContext.await(ctx.poolBackend().claim(pool));
        if (ctx.json) ctx.printJson(c);
        else if (quiet) ctx.out.println(c.id());
        else {
            ctx.out.println(c.id());
            ctx.out.println("claimed " + c.sandbox().name() + " (id " + c.sandbox().id() + ") from pool " + c.pool() + ": "
                    + (c.warm() ? "warm" : "cold, created on demand") + ", " + Formats.millis(c.latency()) + ", "
                    + Formats.isolationSentence(c.sandbox().isolation()));
            ctx.out.println("release it with: sandtable pool release " + c.id() + " [--dead]");
        }
        return ExitCodes.OK;
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Give a claimed sandbox back to its pool (paused, ready for the next claim).")
    int release(@Parameters(paramLabel = "CLAIM-ID", description = "What 'pool claim' printed.") String claimId,
                @Option(names = "--dead", description = "The sandbox is broken: destroy it instead; it never re-enters the pool.") boolean dead) {
        CliContext ctx = root.ctx;
        ReleaseMode mode = dead ? ReleaseMode.DEAD : ReleaseMode.PUT;
        CliContext.await(ctx.poolBackend().release(claimId, mode));
        if (!ctx.json) ctx.out.println(dead ? "released " + claimId + " as dead; its sandbox was destroyed"
                : "released " + claimId + " back to its pool");
        return ExitCodes.OK;
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a pool and destroy its members.")
    int rm(@Parameters(paramLabel = "NAME") String name) {
        CliContext.await(root.ctx.poolBackend().deletePool(name));
        if (!root.ctx.json) root.ctx.out.println("deleted pool " + name);
        return ExitCodes.OK;
    }

    private int print(String verb, Pool p) {
        CliContext ctx = root.ctx;
        if (ctx.json) ctx.printJson(p);
        else ctx.out.println(verb + " " + p.name() + ": template " + p.templateId() + ", min idle " + p.minIdle() + ", max size "
                + p.maxSize() + " (" + p.idle() + " idle, " + p.inUse() + " in use, " + p.starting() + " starting)");
        return ExitCodes.OK;
    }
}
