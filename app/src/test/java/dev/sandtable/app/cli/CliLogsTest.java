package dev.sandtable.app.cli;

import dev.sandtable.json.Json;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.model.Sandbox;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.ServiceBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sandtable logs}: plain, --json, --follow (until the sandbox is gone), against a real service and runtime. */
@Timeout(120)
class CliLogsTest {
    @TempDir
    Path home;
    LocalService service;
    CliRunner cli;

    @BeforeEach
    void startService() {
        RuntimePaths paths = RuntimePaths.under(home);
        service = LocalService.start(paths, LocalService.Options.defaults(), () -> ServiceBackends.create(ServiceBackends.LOCAL, paths));
        cli = new CliRunner(home);
    }

    @AfterEach
    void stopService() {
        if (service != null) service.stop();
    }

    private Path log(String name) throws Exception {
        Sandbox s = Json.mapper().readValue(cli.run("--json", "ls").out(), Sandbox[].class)[0];
        assertThat(s.name()).isEqualTo(name);
        return home.resolve("state/sandboxes").resolve(s.id()).resolve("init.log");
    }

    @Test
    void printsTheLogPlainAndAsJsonAndRefusesBadInput() throws Exception {
        assertThat(cli.run("create", "web", "--template", LocalRuntime.HOST_SHELL).code()).isZero();
        Files.writeString(log("web"), "hello from init\nsecond line\n", StandardOpenOption.APPEND);
        CliRunner.Result plain = cli.run("logs", "web");
        assertThat(plain.code()).as(plain.toString()).isZero();
        assertThat(plain.out()).endsWith("hello from init\nsecond line\n");
        assertThat(cli.run("logs", "web", "--bytes", "12").out()).isEqualTo("second line\n");
        CliRunner.Result json = cli.run("--json", "logs", "web");
        assertThat(Json.mapper().readTree(json.out()).path("text").asText()).endsWith("second line\n");
        CliRunner.Result missing = cli.run("logs", "nosuch");
        assertThat(missing.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("nosuch");
        assertThat(cli.run("logs", "web", "--bytes", "-1").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void followPrintsWhatIsAddedUntilTheSandboxIsGone() throws Exception {
        assertThat(cli.run("create", "tail", "--template", LocalRuntime.HOST_SHELL).code()).isZero();
        Path log = log("tail");
        Files.writeString(log, "before follow\n", StandardOpenOption.APPEND);
        StringWriter out = new StringWriter(), err = new StringWriter();
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> SandtableCli.run(new PrintWriter(out, true),
                new PrintWriter(err, true), "--home", home.toString(), "--json", "logs", "tail", "--follow", "--interval-ms", "100"));
        until(() -> out.toString().contains("before follow"), "the existing log", out);
        Files.writeString(log, "added 1\nadded 2\n", StandardOpenOption.APPEND);
        until(() -> out.toString().contains("added 2"), "the added lines", out);
        assertThat(cli.run("rm", "tail").code()).isZero();
        assertThat(follow.get(30, TimeUnit.SECONDS)).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).allSatisfy(l -> assertThat(Json.mapper().readTree(l).has("text")).isTrue());
        String all = String.join("", lines.stream().map(l -> {
            try {
                return Json.mapper().readTree(l).path("text").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList());
        assertThat(all).endsWith("before follow\nadded 1\nadded 2\n");
        assertThat(all.indexOf("added 1")).as("printed once").isEqualTo(all.lastIndexOf("added 1"));
        assertThat(err.toString()).contains("tail is gone");
    }

    private static void until(BooleanSupplier cond, String what, StringWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what + "; printed so far: " + out).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
