package dev.sandtable.app.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sandtable.json.Json;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.SourceKind;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.ServiceBackends;
import dev.sandtable.spi.Claim;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole lifecycle through the command line, each step a separate invocation (its own connection), against a
 * real service on a temporary home. Subclasses choose the backend the service runs.
 */
@Timeout(120)
abstract class CliLifecycleTest {
    @TempDir
    Path home;
    LocalService service;
    CliRunner cli;

    abstract String backend();

    /** A template the backend has. */
    abstract String template();

    @BeforeEach
    void startService() {
        RuntimePaths paths = RuntimePaths.under(home);
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> ServiceBackends.create(backend(), paths));
        cli = new CliRunner(home);
    }

    @AfterEach
    void stopService() {
        if (service != null) service.stop();
    }

    @Test
    void wholeLifecycle() throws Exception {
        ok("create", "web", "--template", template(), "--label", "team=qa");
        List<Sandbox> listed = Json.mapper().readValue(ok("ls", "--json").out(), new TypeReference<List<Sandbox>>() { });
        assertThat(listed).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("web");
            assertThat(s.state()).isEqualTo(SandboxState.RUNNING);
        });

        assertThat(ok("pause", "web").out()).contains("paused web");
        assertThat(sandbox("web").state()).isEqualTo(SandboxState.PAUSED);
        assertThat(ok("resume", "web").out()).contains("resumed web");
        assertThat(sandbox("web").state()).isEqualTo(SandboxState.RUNNING);

        Snapshot snap = Json.mapper().readValue(ok("--json", "snapshot", "web", "base").out(), Snapshot.class);
        assertThat(snap.name()).isEqualTo("base");
        assertThat(ok("snapshots").out()).contains("base").contains(snap.id());
        ok("restore", "base", "copy-1");
        ok("restore", snap.id(), "copy-2");
        for (String copy : List.of("copy-1", "copy-2")) {
            Sandbox s = sandbox(copy);
            assertThat(s.sourceKind()).isEqualTo(SourceKind.SNAPSHOT);
            assertThat(s.state()).isEqualTo(SandboxState.RUNNING);
        }
        assertThat(ok("ls").out()).contains("snapshot base");

        ok("pool", "create", "warm", "--template", template(), "--min-idle", "1", "--max-size", "3");
        String claimId = ok("pool", "claim", "warm", "-q").out().strip();
        assertThat(claimId).isNotBlank().doesNotContain("\n");
        Pool inUse = pool("warm");
        assertThat(inUse.inUse()).isEqualTo(1);
        // a later, separate invocation releases it by the printed id
        assertThat(ok("pool", "release", claimId).out()).contains("released " + claimId);
        assertThat(pool("warm").inUse()).isZero();
        Claim second = Json.mapper().readValue(ok("pool", "claim", "warm", "--json").out(), Claim.class);
        ok("pool", "release", second.id(), "--dead");
        assertThat(pool("warm").stats().markedDead()).isEqualTo(1);
        ok("pool", "resize", "warm", "--max-size", "2");
        assertThat(pool("warm").maxSize()).isEqualTo(2);

        ok("rm", "copy-1", "copy-2");
        ok("pool", "rm", "warm");
        ok("snapshots", "rm", "base");
        List<Sandbox> left = Json.mapper().readValue(ok("ls", "--json").out(), new TypeReference<List<Sandbox>>() { });
        assertThat(left).extracting(Sandbox::name).containsExactly("web");
        assertThat(ok("--json", "pool", "ls").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void badInputGivesTheRightExitCodeAndLosesNothing() {
        ok("create", "web", "--template", template());
        ok("create", "doomed", "--template", template());
        ok("pool", "create", "warm", "--template", template(), "--min-idle", "0", "--max-size", "2");
        ok("pool", "claim", "warm");
        ok("pool", "claim", "warm");
        ok("rm", "doomed");
        String before = ok("ls", "--json").out();

        CliRunner.Result invalid = cli.run("create", "Bad_Name", "--template", template());
        assertThat(invalid.code()).as(invalid.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(invalid.err()).startsWith("sandtable: ").contains("Bad_Name").contains("invalid");

        CliRunner.Result duplicate = cli.run("create", "web", "--template", template());
        assertThat(duplicate.code()).as(duplicate.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(duplicate.err()).contains("'web' already exists");

        CliRunner.Result noTemplate = cli.run("create", "other", "--template", "no-such-template");
        assertThat(noTemplate.code()).as(noTemplate.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(noTemplate.err()).contains("no-such-template");

        CliRunner.Result destroyed = cli.run("snapshot", "doomed", "too-late");
        assertThat(destroyed.code()).as(destroyed.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(destroyed.err()).contains("doomed");

        CliRunner.Result shrink = cli.run("pool", "resize", "warm", "--max-size", "1");
        assertThat(shrink.code()).as(shrink.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(shrink.err()).contains("in use");

        CliRunner.Result unknownClaim = cli.run("pool", "release", "no-such-claim");
        assertThat(unknownClaim.code()).isEqualTo(ExitCodes.FAILED);

        for (CliRunner.Result r : List.of(invalid, duplicate, noTemplate, destroyed, shrink, unknownClaim)) {
            assertThat(r.err().strip()).as("one line: " + r).doesNotContain("\n");
            assertThat(r.out()).isEmpty();
        }
        assertThat(ok("ls", "--json").out()).isEqualTo(before);
        assertThat(pool("warm").inUse()).isEqualTo(2);
        assertThat(pool("warm").maxSize()).isEqualTo(2);
        assertThat(ok("snapshots", "--json").out().strip()).isEqualTo("[ ]");
    }

    CliRunner.Result ok(String... args) {
        CliRunner.Result r = cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    Sandbox sandbox(String name) throws Exception {
        List<Sandbox> all = Json.mapper().readValue(ok("ls", "--json").out(), new TypeReference<List<Sandbox>>() { });
        return all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    Pool pool(String name) {
        try {
            List<Pool> all = Json.mapper().readValue(ok("pool", "ls", "--json").out(), new TypeReference<List<Pool>>() { });
            return all.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
