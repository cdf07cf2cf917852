package dev.sandtable.app.ui;

import dev.sandtable.app.viewmodel.Row;
import dev.sandtable.model.Sandbox;
import dev.sandtable.synthetic.SyntheticBackend;
import dev.sandtable.testing.Bench;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testfx.util.WaitForAsyncUtils;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table scale: 50,000 sandboxes and 1,000 state changes per second into the real Sandboxes table, in a real window.
 * Pulse = this pulse's batch apply (in the AnimationTimer) + CSS and layout (pre- to post-layout pulse listeners);
 * painting runs on the render thread and is not included.
 * Run: ./mvnw -B verify -Pbench -pl app -am
 */
@Tag("benchmark")
class WindowBenchmarkTest {
    static final int ROWS = Bench.count(50_000);
    static final int CHANGES_PER_SECOND = 1_000;

    private final WindowDriver w = new WindowDriver();
    private SyntheticBackend backend;

    @AfterEach
    void stop() throws Exception {
        w.stop();
        if (backend != null) backend.close();
    }

    @Test
    void fiftyThousandRowsWithAThousandChangesPerSecond() throws Exception {
        backend = new SyntheticBackend("local", "Synthetic", Clock.systemUTC());
        backend.populate(ROWS);
        w.start(List.of(backend));
        w.until("all rows are listed", () -> w.vm().inventory().sandboxes().rows().size() == ROWS);

        Histogram pulses = new Histogram(3_600_000_000L, 3);
        Histogram batches = new Histogram(3_600_000_000L, 3);
        long[] pending = {0, 0};
        boolean[] measuring = {false};
        boolean[] ticked = {false};
        Histogram tickPulses = new Histogram(3_600_000_000L, 3);
        Histogram allPulses = new Histogram(3_600_000_000L, 3);
        Histogram movePulses = new Histogram(3_600_000_000L, 3);
        boolean[] moved = {false};
        WindowDriver.fx(() -> {
            w.vm().nowProperty().addListener((o, a, b) -> ticked[0] = true);
            return null;
        });
        Scene scene = WindowDriver.fx(() -> w.app.window().scene());
        WindowDriver.fx(() -> {
            w.app.window().controller().setBatchTimeListener(n -> {
                pending[0] += n;
                if (measuring[0]) batches.recordValue(n / 1000);
                if (w.vm().inventory().movesInLastDrain() > 0) moved[0] = true;
            });
            scene.addPreLayoutPulseListener(() -> pending[1] = System.nanoTime());
            scene.addPostLayoutPulseListener(() -> {
                long pulse = pending[0] + (System.nanoTime() - pending[1]);
                pending[0] = 0;
                if (measuring[0]) {
                    (ticked[0] ? tickPulses : moved[0] ? movePulses : pulses).recordValue(pulse / 1000);
                    allPulses.recordValue(pulse / 1000);
                }
                ticked[0] = false;
                moved[0] = false;
            });
            return null;
        });

        ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor();
        int perTick = CHANGES_PER_SECOND / 100;
        churn.scheduleAtFixedRate(() -> backend.churn(perTick), 0, 10, TimeUnit.MILLISECONDS);
        Thread.sleep(Bench.seconds(1) * 1000L); // warm-up
        long gc0 = gcMillis();
        WindowDriver.fx(() -> measuring[0] = true);
        Thread.sleep(Bench.seconds(5) * 1000L);
        long unsortedPulses = pulses.getTotalCount();
        String unsorted = summary("every pulse, unsorted (ms)", allPulses) + "\n" + summary("  plain pulses", pulses) + "\n"
                + summary("  pulses that ticked relative times", tickPulses);

        // sort by state while churning (the worst case: changed rows move)
        TableView<Row<Sandbox>> table = w.table("sandbox");
        @SuppressWarnings("unchecked")
        TableColumn<Row<Sandbox>, ?> state = WindowDriver.fx(() -> (TableColumn<Row<Sandbox>, ?>) table.getColumns().get(1));
        long sortNanos = WindowDriver.fx(() -> {
            long t0 = System.nanoTime();
            table.getSortOrder().setAll(List.of(state));
            return System.nanoTime() - t0;
        });
        pulses.reset();
        batches.reset();
        tickPulses.reset();
        allPulses.reset();
        movePulses.reset();
        Thread.sleep(Bench.seconds(10) * 1000L);
        String sorted = summary("every pulse, sorted by state (ms)", allPulses) + "\n" + summary("  plain pulses", pulses) + "\n"
                + summary("  pulses that moved rows", movePulses) + "\n" + summary("  pulses that ticked relative times", tickPulses);
        String batch = summary("batch apply, sorted (ms)", batches);

        TextField filter = (TextField) w.robot.lookup("#filter-sandbox").query();
        long filterNanos = WindowDriver.fx(() -> {
            long t0 = System.nanoTime();
            filter.setText("paused");
            return System.nanoTime() - t0;
        });
        long narrowNanos = WindowDriver.fx(() -> {
            long t0 = System.nanoTime();
            filter.setText("sbx-0123");
            return System.nanoTime() - t0;
        });
        int shown = WindowDriver.fx(() -> table.getItems().size());
        long clearNanos = WindowDriver.fx(() -> {
            long t0 = System.nanoTime();
            filter.setText("");
            return System.nanoTime() - t0;
        });
        long gcDuring = gcMillis() - gc0;
        churn.shutdownNow();
        churn.awaitTermination(5, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        System.out.println("=== Table scale: " + ROWS + " sandboxes, " + CHANGES_PER_SECOND + " changes/s, real window (Monocle headless, sw pipeline) ==="
                + Bench.mark(ROWS));
        System.out.println(unsorted + "  [" + unsortedPulses + " pulses]");
        System.out.println(sorted);
        System.out.println(batch);
        System.out.printf("sort by state (" + ROWS + " rows, FX thread): %.1f ms%n", sortNanos / 1e6);
        System.out.printf("filter 'paused': %.1f ms; filter 'sbx-0123' (%d rows): %.1f ms; clear filter: %.1f ms%n",
                filterNanos / 1e6, shown, narrowNanos / 1e6, clearNanos / 1e6);
        System.out.printf("heap used after GC: %.0f MiB; GC time during the %d s run: %d ms%n", heap / 1048576.0,
                Bench.seconds(5) + Bench.seconds(10), gcDuring);
        assertThat(w.vm().inventory().sandboxes().size()).isEqualTo(ROWS);
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
    }

    private static String summary(String what, Histogram h) {
        return String.format("%s: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (n=%d)", what, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, h.getTotalCount());
    }

    /** From JVM start (RuntimeMXBean start time) to the first pulse after the stage shows, in a fresh JVM. */
    @Test
    void startToFirstFrame() throws Exception {
        List<Long> runs = new ArrayList<>();
        int starts = Bench.count(3, 1);
        for (int i = 0; i < starts; i++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                    "-Dsandtable.firstFrame=true", "-Dsandtable.exitAfterFirstFrame=true", "-Dsandtable.backend=synthetic"));
            for (String p : List.of("glass.platform", "monocle.platform", "prism.order", "java.awt.headless"))
                if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sandtable.app.Launcher"));
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Long ms = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream()))) {
                for (String line; (line = r.readLine()) != null; ) {
                    var m = java.util.regex.Pattern.compile("first frame (\\d+) ms").matcher(line);
                    if (m.find()) ms = Long.parseLong(m.group(1));
                }
            } finally {
                if (!proc.waitFor(60, TimeUnit.SECONDS)) proc.destroyForcibly();
            }
            assertThat(ms).as("the app printed its first-frame time").isNotNull();
            runs.add(ms);
        }
        System.out.println("=== App start to first frame (fresh JVM, synthetic backend) ===" + Bench.mark(starts));
        System.out.println("runs (ms): " + runs + "; best " + runs.stream().min(Long::compare).orElseThrow());
    }
}
