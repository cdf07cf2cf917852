package dev.sandtable.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sandtable.helper.HelperFixture;
import dev.sandtable.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sandtable helper ...} against the real helper (root, loop devices): caps, a loop attach/read/detach cycle, bench. */
class HelperCliTest {
    @TempDir
    static Path dir;
    static HelperFixture helper;
    static CliRunner cli;

    @BeforeAll
    static void start() throws Exception {
        helper = HelperFixture.start(dir.resolve("helper"));
        cli = new CliRunner(dir.resolve("home"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) helper.close();
    }

    private CliRunner.Result helper(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "helper";
        all[1] = "--socket";
        all[2] = helper.socket.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return cli.run(all);
    }

    @Test
    void capsNamesTheKernelAndBackends() {
        CliRunner.Result r = helper("caps");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("kernel", System.getProperty("os.version")).containsPattern("loop\\s+yes")
                .containsPattern("running as root\\s+yes");
    }

    @Test
    void attachReadListDetachThroughTheCommandLine() throws Exception {
        Path image = helper.image("cli.img", 1 << 20, (byte) 0x33);
        CliRunner.Result a = helper("attach", image.toString(), "--via", "loop");
        assertThat(a.code()).as(a.toString()).isZero();
        Matcher m = Pattern.compile("as (/dev/loop\\d+) \\(id (\\d+), loop, read-only").matcher(a.out());
        assertThat(m.find()).as(a.out()).isTrue();
        String device = m.group(1), id = m.group(2);
        try (RandomAccessFile f = new RandomAccessFile(device, "r")) {
            f.seek(12345);
            assertThat(f.readByte()).isEqualTo((byte) 0x33);
        }
        CliRunner.Result ls = helper("ls");
        assertThat(ls.out()).contains(device).contains("attached").contains("(passed descriptor)");
        CliRunner.Result d = helper("detach", id);
        assertThat(d.code()).as(d.toString()).isZero();
        assertThat(d.out()).contains("detached " + device);
        assertThat(Path.of("/sys/block", device.substring(5), "loop/backing_file")).doesNotExist();
        assertThat(helper("detach", id).code()).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void jsonOutputAndAttachByPath() throws Exception {
        Path image = helper.image("json.img", 1 << 16, (byte) 1);
        CliRunner.Result a = cli.run("--json", "helper", "--socket", helper.socket.toString(), "attach", image.toString(),
                "--via", "loop", "--by-path");
        assertThat(a.code()).as(a.toString()).isZero();
        JsonNode d = Json.mapper().readTree(a.out());
        assertThat(d.get("devicePath").asText()).startsWith("/dev/loop");
        assertThat(d.get("image").asText()).isEqualTo(image.toString());
        assertThat(helper("detach", d.get("id").asText()).code()).isZero();
    }

    @Test
    void benchPrintsIopsAndLatency() throws Exception {
        Path image = helper.image("bench.img", 2 << 20, (byte) 2);
        CliRunner.Result r = helper("bench", image.toString(), "--seconds", "0.3", "--qd", "4", "--buffered");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("randread .* bs=4096 qd=4 buffered: \\d+ IOPS").contains("latency us: min");
    }

    @Test
    void errorsAreOneLineWithTheRightExitCode() throws Exception {
        CliRunner.Result gone = cli.run("helper", "--socket", dir.resolve("none.sock").toString(), "caps");
        assertThat(gone.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(gone.err()).contains("the native helper is not running").doesNotContain("Exception");
        CliRunner.Result bad = helper("attach", "/etc/hostname", "--via", "loop", "--by-path");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("outside the helper's image directories");
        CliRunner.Result rw = helper("bench", "x", "--rw", "sideways");
        assertThat(rw.code()).isEqualTo(ExitCodes.USAGE);
    }
}
