package dev.sandtable.local;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatTest {
    @Test
    void parsesACommandNameWithSpacesAndParentheses() {
        String line = "4242 (my (odd) name) T 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStat s = ProcStat.parse(line);
        assertThat(s.pid()).isEqualTo(4242);
        assertThat(s.comm()).isEqualTo("my (odd) name");
        assertThat(s.state()).isEqualTo('T');
        assertThat(s.stopped()).isTrue();
        assertThat(s.ppid()).isEqualTo(1);
        assertThat(s.session()).isEqualTo(4242);
        assertThat(s.startTime()).isEqualTo(987654);
    }

    @Test
    void readsThisProcessAndRecognisesItByStartTime() {
        long pid = ProcessHandle.current().pid();
        ProcStat me = ProcStat.read(pid).orElseThrow();
        assertThat(me.comm()).isEqualTo("java");
        assertThat(ProcStat.sameProcess(pid, me.startTime())).isTrue();
        assertThat(ProcStat.sameProcess(pid, me.startTime() + 1)).isFalse();
    }

    @Test
    void signalsAGoneProcessWithoutError() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(Posix.kill(p.pid(), 0)).isFalse();
        assertThat(Posix.kill(ProcessHandle.current().pid(), 0)).isTrue();
    }
}
