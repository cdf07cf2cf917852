package dev.sandtable.dirwatch;

import dev.sandtable.spi.FsEvent;
import dev.sandtable.spi.FsEvent.FsEventType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class ListingDiffTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:01Z");
    static final Instant EARLIER = NOW.minusSeconds(60);

    static FileStamp file(String id, long size, Instant modified, long mode) {
        return new FileStamp(id, size, modified, mode, false);
    }

    @Test
    void newChangedAndGonePathsBecomeCreateWriteRemoveInPathOrder() {
        Map<String, FileStamp> before = Map.of("keep", file("1", 5, EARLIER, 0644), "gone", file("2", 1, EARLIER, 0644),
                "same", file("3", 1, EARLIER, 0644));
        Map<String, FileStamp> now = Map.of("keep", file("1", 9, NOW.minusMillis(500), 0644), "sub/new", file("4", 0, NOW.minusMillis(250), 0644),
                "same", file("3", 1, EARLIER, 0644));
        List<FsEvent> ev = ListingDiff.diff(before, now, NOW);
        assertThat(ev).extracting(FsEvent::type, FsEvent::path).containsExactly(
                tuple(FsEventType.REMOVE, "gone"), tuple(FsEventType.WRITE, "keep"), tuple(FsEventType.CREATE, "sub/new"));
        assertThat(ev.get(1).latency()).as("from the modification time").hasMillis(500);
        assertThat(ev.get(2).latency()).hasMillis(250);
        assertThat(ev.get(0).latency()).isNull();
    }

    @Test
    void aReplacedFileIsCreatedAgainAndAModeChangeIsChmod() {
        assertThat(ListingDiff.diff(Map.of("a", file("1", 1, EARLIER, 0644)), Map.of("a", file("2", 1, EARLIER, 0644)), NOW))
                .extracting(FsEvent::type).containsExactly(FsEventType.CREATE);
        assertThat(ListingDiff.diff(Map.of("a", file(null, 1, EARLIER, 0644)), Map.of("a", file(null, 1, EARLIER, 0755)), NOW))
                .extracting(FsEvent::type).containsExactly(FsEventType.CHMOD);
    }

    @Test
    void aDirectoryIsNotWrittenWhenItsEntriesChange() {
        FileStamp d0 = new FileStamp(null, 4096, EARLIER, 0755, true);
        FileStamp d1 = new FileStamp(null, 4096, NOW, 0755, true);
        assertThat(ListingDiff.diff(Map.of("d", d0), Map.of("d", d1), NOW)).isEmpty();
    }

    @Test
    void aTimeInTheFutureOrUnknownGivesNoLatency() {
        assertThat(ListingDiff.diff(Map.of(), Map.of("a", file(null, 1, NOW.plusSeconds(5), 0)), NOW).getFirst().latency()).isNull();
        assertThat(ListingDiff.diff(Map.of(), Map.of("a", file(null, 1, null, 0)), NOW).getFirst().latency()).isNull();
    }

    @Test
    void relativePaths() {
        assertThat(ListingDiff.relative("/work/a/b", "/work")).isEqualTo("a/b");
        assertThat(ListingDiff.relative("/work/a/b", "/work/")).isEqualTo("a/b");
        assertThat(ListingDiff.relative("/etc/x", "/")).isEqualTo("etc/x");
        assertThat(ListingDiff.relative("/other/x", "/work")).isEqualTo("/other/x");
        assertThat(ListingDiff.relative("/workbench/x", "/work")).isEqualTo("/workbench/x");
    }
}
