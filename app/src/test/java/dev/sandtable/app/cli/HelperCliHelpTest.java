package dev.sandtable.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sandtable helper} without a helper: help, and a missing helper as one clear line (no root needed). */
class HelperCliHelpTest {
    @TempDir
    Path home;

    @Test
    void helpListsTheSubcommandsAndExitCodes() {
        CliRunner cli = new CliRunner(home);
        CliRunner.Result top = cli.run("--help");
        assertThat(top.out()).contains("helper");
        CliRunner.Result r = cli.run("helper", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("caps", "attach", "detach", "ls", "bench", "export", "Exit codes:");
        CliRunner.Result a = cli.run("helper", "attach", "--help");
        assertThat(a.out()).contains("--via", "--cow", "--by-path");
    }

    @Test
    void aMissingHelperIsExitThreeWithHowToStartIt() {
        CliRunner.Result r = new CliRunner(home).run("helper", "--socket", home.resolve("none.sock").toString(), "ls");
        assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).contains("the native helper is not running at").contains("sandtable-helper");
        CliRunner.Result bad = new CliRunner(home).run("helper", "attach", "x.img", "--via", "nbd");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--via must be auto, loop or ublk");
    }
}
