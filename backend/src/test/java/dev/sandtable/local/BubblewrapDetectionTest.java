package dev.sandtable.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BubblewrapDetectionTest {
    @TempDir
    Path tmp;

    @Test
    void withoutBubblewrapSandboxesRunUnconfinedAndSaySo() {
        BubblewrapLauncher.Result r = BubblewrapLauncher.detect(Optional.empty());
        assertThat(r.launcher()).isNull();
        assertThat(r.whyNot()).isEqualTo("bubblewrap is not installed: processes run as you, unconfined");
        assertThat(new DirectLauncher(r.whyNot()).isolation().isolated()).isFalse();
    }

    @Test
    void aBubblewrapThatCannotCreateNamespacesIsReportedWithItsError() throws Exception {
        Path fake = tmp.resolve("bwrap");
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'bubblewrap 9.9'; exit 0; }\n"
                + "echo 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        BubblewrapLauncher.Result r = BubblewrapLauncher.detect(Optional.of(fake));
        assertThat(r.launcher()).isNull();
        assertThat(r.whyNot()).contains("bubblewrap cannot create a sandbox here")
                .contains("No permissions to create new namespace").endsWith("processes run as you, unconfined");
    }

    @Test
    void aWorkingBubblewrapNamesTheNamespacesItCreated() {
        LocalTesting.assumeBubblewrap();
        BubblewrapLauncher.Result r = BubblewrapLauncher.detect(BubblewrapLauncher.findOnPath("bwrap"));
        assertThat(r.launcher().isolation().isolated()).isTrue();
        assertThat(r.launcher().isolation().detail()).startsWith("bubblewrap").contains("pid").contains("mount")
                .contains("host network");
    }
}
