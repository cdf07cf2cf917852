package dev.sandtable.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.helper.HelperFixture;
import dev.sandtable.json.Json;
import dev.sandtable.local.LocalRuntime;
import dev.sandtable.local.RuntimePaths;
import dev.sandtable.service.LocalService;
import dev.sandtable.service.ServiceBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A local snapshot exported as ext4 with {@code sandtable helper export}, attached, and its files read back. */
@Timeout(180)
class HelperExportCliTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotExportedAsExt4IsAttachedAndReadable() throws Exception {
        Path home = dir.resolve("home");
        RuntimePaths paths = RuntimePaths.under(home);
        LocalService service = LocalService.start(paths, LocalService.Options.defaults(),
                () -> ServiceBackends.create(ServiceBackends.LOCAL, paths));
        try (HelperFixture helper = HelperFixture.start(dir.resolve("helper"))) {
            CliRunner cli = new CliRunner(home);
            JsonNode web = Json.mapper().readTree(cli.run("--json", "create", "web", "--template", LocalRuntime.HOST_SHELL).out());
            Path workspace = paths.sandboxes().resolve(web.get("id").asText()).resolve("workspace");
            Files.writeString(workspace.resolve("notes.txt"), "made in the sandbox\n");
            assertThat(cli.run("snapshot", "web", "base").code()).isZero();
            Path image = helper.images.resolve("base.img");
            CliRunner.Result ex = cli.run("--json", "helper", "export", "base", "--out", image.toString());
            assertThat(ex.code()).as(ex.toString()).isZero();
            JsonNode exported = Json.mapper().readTree(ex.out());
            assertThat(exported.get("sizeBytes").asLong()).isEqualTo(Files.size(image));

            CliRunner.Result a = cli.run("--json", "helper", "--socket", helper.socket.toString(), "attach", image.toString(),
                    "--via", "loop");
            assertThat(a.code()).as(a.toString()).isZero();
            JsonNode d = Json.mapper().readTree(a.out());
            Process p = new ProcessBuilder("debugfs", "-R", "cat /notes.txt", d.get("devicePath").asText())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(listing).isEqualTo("made in the sandbox\n"); // the sandbox's file, through the attached device
            assertThat(cli.run("helper", "--socket", helper.socket.toString(), "detach", d.get("id").asText()).code()).isZero();

            CliRunner.Result again = cli.run("helper", "export", "base", "--out", image.toString());
            assertThat(again.code()).isEqualTo(ExitCodes.FAILED);
            assertThat(again.err()).contains("already exists");
            assertThat(cli.run("helper", "export", "nope").err()).contains("no snapshot named 'nope'");
        } finally {
            service.stop();
        }
    }
}
