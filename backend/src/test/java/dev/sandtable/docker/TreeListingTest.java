package dev.sandtable.docker;

import dev.sandtable.model.SandboxState;
import dev.sandtable.spi.FsEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of the Docker watch and mapping: stat listings into events, Docker states. */
class TreeListingTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:01Z");

    @Test
    void twoListingsBecomeCreateWriteAndRemove() {
        TreeListing t = new TreeListing("/work/");
        t.begin();
        t.line("11|5|2026-11-23 11:59:00.000000000 +0000|regular file|/work/keep.txt");
        t.line("12|1|2026-11-23 11:59:00.000000000 +0000|regular file|/work/gone.txt");
        assertThat(t.end(NOW)).as("the first listing is the baseline").isEmpty();
        t.begin();
        t.line("11|9|2026-11-23 12:00:00.500000000 +0000|regular file|/work/keep.txt");
        t.line("13|0|2026-11-23 12:00:00.750000000 +0000|regular file|/work/sub/new.txt");
        List<FsEvent> ev = t.end(NOW);
        assertThat(ev).extracting(FsEvent::type, FsEvent::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.REMOVE, "gone.txt"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.WRITE, "keep.txt"),
                org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.CREATE, "sub/new.txt"));
        assertThat(ev.get(2).latency()).hasMillis(250);
        assertThat(ev.get(1).latency()).hasMillis(500);
    }

    @Test
    void aReplacedFileIsCreatedAgain() {
        TreeListing t = new TreeListing("/w");
        t.begin();
        t.line("1|1|2026-11-23 11:00:00.000000000 +0000|regular file|/w/a");
        t.end(NOW);
        t.begin();
        t.line("2|1|2026-11-23 11:00:00.000000000 +0000|regular file|/w/a");
        assertThat(t.end(NOW)).extracting(FsEvent::type).containsExactly(FsEvent.FsEventType.CREATE);
    }

    @Test
    void aDirectoryWhoseEntriesChangedIsNotWritten() {
        TreeListing t = new TreeListing("/w");
        t.begin();
        t.line("1|4096|2026-11-23 11:00:00.000000000 +0000|directory|/w/d");
        t.end(NOW);
        t.begin();
        t.line("1|4096|2026-11-23 12:00:00.000000000 +0000|directory|/w/d");
        t.line("2|0|2026-11-23 12:00:00.000000000 +0000|regular empty file|/w/d/x");
        assertThat(t.end(NOW)).extracting(FsEvent::type, FsEvent::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FsEvent.FsEventType.CREATE, "d/x"));
    }

    @Test
    void dockerStatesMapToTheSharedOnes() {
        assertThat(DockerMapping.state("running", 0)).isEqualTo(SandboxState.RUNNING);
        assertThat(DockerMapping.state("paused", 0)).isEqualTo(SandboxState.PAUSED);
        assertThat(DockerMapping.state("created", 0)).isEqualTo(SandboxState.PENDING);
        assertThat(DockerMapping.state("exited", 0)).isEqualTo(SandboxState.SUSPENDED);
        assertThat(DockerMapping.state("exited", 137)).isEqualTo(SandboxState.FAILED);
        assertThat(DockerMapping.state("dead", 0)).isEqualTo(SandboxState.FAILED);
        assertThat(DockerMapping.exitCode("Exited (137) 2 seconds ago")).isEqualTo(137);
        assertThat(DockerMapping.shortId("sha256:0123456789abcdef")).isEqualTo("0123456789ab");
    }
}
