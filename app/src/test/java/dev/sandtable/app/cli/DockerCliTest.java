package dev.sandtable.app.cli;

import dev.sandtable.docker.DockerHost;
import dev.sandtable.docker.DockerTestEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --backend docker}: the existing commands act on a Docker engine directly. */
@Timeout(120)
class DockerCliTest {
    @TempDir
    Path home;

    @Test
    void lsCreatePauseSnapshotRestoreAndRemoveOnDocker() {
        DockerHost host = DockerTestEngine.require();
        DockerTestEngine.ensureImage(DockerTestEngine.rawClient(host), host);
        CliRunner cli = new CliRunner(home);
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        String name = "cli-" + HexFormat.of().formatHex(b);
        String h = host.uri().toString();

        CliRunner.Result created = cli.run("create", name, "-t", DockerTestEngine.IMAGE, "-l", "team=qa", "--backend", "docker", "--docker-host", h);
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("created sandbox " + name).contains("running");
        try {
            CliRunner.Result ls = cli.run("ls", "--backend", "docker", "--docker-host", h);
            assertThat(ls.code()).isZero();
            assertThat(ls.out()).contains("NAME").contains(name).contains("Running").contains("container");
            assertThat(cli.run("pause", name, "--backend", "docker", "--docker-host", h).out()).contains("paused " + name);
            assertThat(cli.run("resume", name, "--backend", "docker", "--docker-host", h).out()).contains("resumed " + name);
            assertThat(cli.run("stop", name, "--backend", "docker", "--docker-host", h).out()).contains("stopped " + name).contains("suspended");
            assertThat(cli.run("ls", "--backend", "docker", "--docker-host", h).out()).contains("Suspended");
            assertThat(cli.run("start", name, "--backend", "docker", "--docker-host", h).out()).contains("started " + name).contains("running");
            assertThat(cli.run("stop", name).err()).contains("'stop' works on Docker sandboxes");
            CliRunner.Result json = cli.run("ls", "--json", "--backend", "docker", "--docker-host", h);
            assertThat(json.out()).contains("\"name\" : \"" + name + "\"").contains("\"team\" : \"qa\"");

            CliRunner.Result snap = cli.run("snapshot", name, name + "-s", "--backend", "docker", "--docker-host", h);
            assertThat(snap.code()).as(snap.err()).isZero();
            assertThat(cli.run("snapshots", "--backend", "docker", "--docker-host", h).out()).contains(name + "-s");
            CliRunner.Result restored = cli.run("restore", name + "-s", name + "-r", "--backend", "docker", "--docker-host", h);
            assertThat(restored.out()).contains("restored " + name + "-s into " + name + "-r");
            assertThat(cli.run("rm", name + "-r", "--backend", "docker", "--docker-host", h).code()).isZero();
            assertThat(cli.run("snapshots", "rm", name + "-s", "--backend", "docker", "--docker-host", h).code()).isZero();
        } finally {
            cli.run("rm", name, "--backend", "docker", "--docker-host", h);
        }
        assertThat(cli.run("ls", "-q", "--backend", "docker", "--docker-host", h).out()).doesNotContain(name);

        CliRunner.Result missing = cli.run("create", "x", "-t", "no-such/image:1", "--backend", "docker", "--docker-host", h);
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("no image 'no-such/image:1'").contains("docker pull");
        CliRunner.Result dead = cli.run("ls", "--backend", "docker", "--docker-host", "unix://" + home.resolve("none.sock"));
        assertThat(dead.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(dead.err()).contains("no Docker engine answers");
        CliRunner.Result pool = cli.run("pool", "create", "p1", "-t", DockerTestEngine.IMAGE, "--backend", "docker", "--docker-host", h);
        assertThat(pool.code()).isNotZero();
        assertThat(pool.err()).contains("warm pools on Docker live in the Sandtable window");
        String limited = name + "-lim";
        CliRunner.Result withLimits = cli.run("create", limited, "-t", DockerTestEngine.IMAGE, "-e", "GREETING=hi", "--memory", "64",
                "--cpus", "0.5", "--cmd", "sleep", "600", "--backend", "docker", "--docker-host", h);
        assertThat(withLimits.code()).as(withLimits.err()).isZero();
        try {
            var in = DockerTestEngine.rawClient(host).inspectContainerCmd(limited).exec();
            assertThat(in.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
            assertThat(in.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
            assertThat(in.getConfig().getEnv()).contains("GREETING=hi");
            assertThat(in.getConfig().getCmd()).containsExactly("sleep", "600");
        } finally {
            cli.run("rm", limited, "--backend", "docker", "--docker-host", h);
        }
        assertThat(cli.run("create", "x", "--memory", "64").err()).contains("works on Docker sandboxes");
        CliRunner.Result wrong = cli.run("ls", "--backend", "podman");
        assertThat(wrong.err()).contains("unknown backend 'podman'");
    }
}
