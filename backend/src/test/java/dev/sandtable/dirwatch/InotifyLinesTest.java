package dev.sandtable.dirwatch;

import dev.sandtable.spi.FsEvent.FsEventType;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class InotifyLinesTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:01Z");

    @Test
    void inotifywaitLines() {
        assertThat(InotifyLines.inotifywait("CREATE,ISDIR|/work/d", "/work", NOW).type()).isEqualTo(FsEventType.CREATE);
        assertThat(InotifyLines.inotifywait("MODIFY|/work/a.txt", "/work", NOW).path()).isEqualTo("a.txt");
        assertThat(InotifyLines.inotifywait("MOVED_TO|/work/b", "/work/", NOW).type()).isEqualTo(FsEventType.RENAME);
        assertThat(InotifyLines.inotifywait("DELETE|/work/sub/c", "/work", NOW).path()).isEqualTo("sub/c");
        assertThat(InotifyLines.inotifywait("ATTRIB|/work/m", "/work", NOW).type()).isEqualTo(FsEventType.CHMOD);
        assertThat(InotifyLines.inotifywait("OPEN|/work/b", "/work", NOW)).isNull();
        assertThat(InotifyLines.inotifywait("no bar here", "/work", NOW)).isNull();
    }

    @Test
    void aBarInAFileNameStaysInThePath() {
        assertThat(InotifyLines.inotifywait("CREATE|/work/a|b", "/work", NOW).path()).isEqualTo("a|b");
    }

    @Test
    void inotifydLines() {
        assertThat(InotifyLines.inotifyd("n\t/work\tx.txt", "/work", NOW).type()).isEqualTo(FsEventType.CREATE);
        assertThat(InotifyLines.inotifyd("d\t/work\tx.txt", "/work", NOW).type()).isEqualTo(FsEventType.REMOVE);
        assertThat(InotifyLines.inotifyd("w\t/work\tx.txt", "/work", NOW).path()).isEqualTo("x.txt");
        assertThat(InotifyLines.inotifyd("q\t/work\tx.txt", "/work", NOW)).isNull();
        assertThat(InotifyLines.inotifyd("n\t/work", "/work", NOW)).isNull();
    }
}
