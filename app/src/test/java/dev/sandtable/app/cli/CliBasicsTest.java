package dev.sandtable.app.cli;

import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.SandtableVersion;
import dev.sandtable.service.ServiceFiles;
import dev.sandtable.synthetic.SyntheticBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CliBasicsTest {
    @TempDir
    Path home;

    @Test
    void helpEverywhereListsTheExitCodes() {
        CliRunner cli = new CliRunner(home);
        for (String[] args : List.of(new String[]{"--help"}, new String[]{"ls", "--help"}, new String[]{"pool", "claim", "--help"},
                new String[]{"pool", "release", "--help"}, new String[]{"service", "--help"}, new String[]{"snapshots", "rm", "--help"},
                new String[]{"help", "restore"})) {
            CliRunner.Result r = cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage: sandtable").contains("Exit codes:").contains("3   the Sandtable service is unavailable");
        }
        assertThat(cli.run("--help").out()).contains("ls").contains("pool").contains("snapshot").contains("restore").contains("serve");
        // help never starts the service
        assertThat(ServiceFiles.serviceJson(RuntimePaths.under(home))).doesNotExist();
    }

    @Test
    void versionIsPrinted() {
        CliRunner.Result r = new CliRunner(home).run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("sandtable " + SandtableVersion.get());
        assertThat(SandtableVersion.get()).isNotEqualTo("unknown");
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRunner cli = new CliRunner(home);
        CliRunner.Result unknown = cli.run("ls", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("--frobnicate").contains("Try 'sandtable ls --help'");
        CliRunner.Result missing = cli.run("pause");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("SANDBOX");
        CliRunner.Result notANumber = cli.run("pool", "create", "p", "--max-size", "many");
        assertThat(notANumber.code()).isEqualTo(ExitCodes.USAGE);
        CliRunner.Result unknownCommand = cli.run("explode");
        assertThat(unknownCommand.code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void statusOfNoServiceExitsWithThreeAndStartsNothing() {
        CliRunner cli = new CliRunner(home);
        CliRunner.Result status = cli.run("service", "status");
        assertThat(status.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(status.out()).contains("not running");
        CliRunner.Result stop = cli.run("service", "stop");
        assertThat(stop.code()).isZero();
        assertThat(ServiceFiles.serviceJson(RuntimePaths.under(home))).doesNotExist();
    }

    @Test
    void tablesShowWhatIsNotIsolated() {
        RuntimePaths paths = RuntimePaths.under(home);
        try (LocalService service = LocalService.start(paths, new SyntheticBackend())) {
            CliRunner cli = new CliRunner(home);
            assertThat(cli.run("ls").out()).contains("no sandboxes");
            assertThat(cli.run("create", "web").out()).contains("created sandbox web").contains("NOT ISOLATED");
            String table = cli.run("ls").out();
            assertThat(table.lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("NAME").contains("ISOLATION"));
            assertThat(table).contains("web").contains("Running").contains("NOT ISOLATED")
                    .contains("! NOT ISOLATED: web: they run with your user's full access");
            assertThat(cli.run("ls", "-q").out()).isEqualTo("web\n");
            CliRunner.Result status = cli.run("service", "status");
            assertThat(status.code()).isZero();
            assertThat(status.out()).contains("pid " + ProcessHandle.current().pid()).contains(service.info().url()).contains("1 sandboxes");
        }
    }

    /** A separate JVM through the real entry point: sees what this one made, and its exit codes reach the shell. */
    @Test
    void separateInvocationsInSeparateJvmsShareTheSandboxes() throws Exception {
        RuntimePaths paths = RuntimePaths.under(home);
        try (LocalService service = LocalService.start(paths, new SyntheticBackend())) {
            CliRunner cli = new CliRunner(home);
            cli.run("create", "shared");
            cli.run("pool", "create", "warm", "--min-idle", "1", "--max-size", "2");
            String claim = cli.run("pool", "claim", "warm", "-q").out().strip();

            Run ls = launcher("ls", "-q");
            assertThat(ls.code).as(ls.output).isZero();
            assertThat(ls.output).contains("shared");
            Run release = launcher("pool", "release", claim);
            assertThat(release.code).as(release.output).isZero();
            assertThat(service.backend().watch(e -> { })).isNotNull();
            Run missing = launcher("pause", "nothing-here");
            assertThat(missing.code).isEqualTo(ExitCodes.FAILED);
            assertThat(missing.output).contains("sandtable: no sandbox named 'nothing-here'");
            assertThat(cli.run("pool", "ls").out()).contains("warm");
        }
    }

    private record Run(int code, String output) {
    }

    private Run launcher(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.sandtable.app.Launcher", "--home", home.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError("the launcher did not finish: " + output);
            return new Run(p.exitValue(), output);
        } finally {
            p.destroyForcibly();
        }
    }
}
