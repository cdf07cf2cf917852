package dev.sandtable.app.watch;

import dev.sandtable.app.testing.FxWait;
import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.FakeE2bPlatform;
import dev.sandtable.app.testing.FakeE2bFixture;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch window against E2bBackend over a fake envd: start, live rows, filter, state, auto-scroll pause. */
class WatchPaneTest {
    private FakeE2bFixture fake;
    private FakeE2bPlatform platform;
    private E2bBackend backend;
    private String sandbox;
    private final FxRobot robot = new FxRobot();

    @BeforeEach
    void setUp() throws Exception {
        FxToolkit.registerPrimaryStage();
        fake = new FakeE2bFixture();
        platform = fake.platform;
        backend = fake.backend;
        sandbox = fake.sandbox;
    }

    @AfterEach
    void tearDown() throws Exception {
        robot.interact(WatchWindow::closeEverything);
        fake.close();
    }

    private static void until(String what, BooleanSupplier c) throws Exception {
        FxWait.until(what, Duration.ofSeconds(15), c);
    }

    @Test
    void startShowsLiveEventsThatCanBeFilteredAndStopEndsTheStream() throws Exception {
        WatchWindow[] w = new WatchWindow[1];
        robot.interact(() -> w[0] = WatchWindow.open(backend, sandbox, "web-1"));
        robot.targetWindow(w[0].stage());
        TextField path = robot.lookup("#watch-path").queryAs(TextField.class);
        robot.interact(() -> path.setText("/home/user/project"));
        robot.clickOn("#watch-start");
        Label status = robot.lookup("#watch-status").queryAs(Label.class);
        until("live", () -> status.getText().startsWith("Live"));
        until("the fake has the watcher", () -> platform.fsEvent("warmup", "\"EVENT_TYPE_UNSPECIFIED\"", null) > 0);
        for (int i = 0; i < 60; i++) platform.fsEvent("src/f" + i + ".txt", "\"EVENT_TYPE_CREATE\"", null);
        platform.fsEvent("README.md", "\"EVENT_TYPE_WRITE\"", null);
        @SuppressWarnings("unchecked") TableView<WatchRow> table = robot.lookup("#watch-events").queryAs(TableView.class);
        until("61 rows", () -> table.getItems().size() == 61);
        assertThat(robot.lookup("#watch-counters").queryAs(Label.class).getText()).isEqualTo("61 events · 60 create · 1 write");

        robot.interact(() -> robot.lookup("#watch-filter").queryAs(TextField.class).setText("readme"));
        assertThat(table.getItems()).extracting(WatchRow::path).containsExactly("README.md");
        robot.interact(() -> robot.lookup("#watch-filter").queryAs(TextField.class).setText(""));

        // A wheel turned up over the table (delivered to the table itself: Monocle's robot may aim at another window).
        robot.interact(() -> table.fireEvent(new javafx.scene.input.ScrollEvent(javafx.scene.input.ScrollEvent.SCROLL,
                10, 10, 10, 10, false, false, false, false, false, false, 0, 120, 0, 120,
                javafx.scene.input.ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                javafx.scene.input.ScrollEvent.VerticalTextScrollUnits.NONE, 0, 0, null)));
        until("following paused", () -> !w[0].viewModel().followTailProperty().get());

        robot.clickOn("#watch-stop");
        until("stopped", () -> status.getText().equals("Stopped") || status.getText().equals("Ended"));
        until("the server saw the stream go", () -> platform.fsEvent("late", "\"EVENT_TYPE_CREATE\"", null) == 0);
        assertThat(table.getItems()).hasSize(61);
    }

    @Test
    void aDroppedStreamReconnectsAndTheTableMarksTheGap() throws Exception {
        WatchWindow[] w = new WatchWindow[1];
        robot.interact(() -> w[0] = WatchWindow.open(backend, sandbox, "web-1"));
        robot.targetWindow(w[0].stage());
        robot.interact(() -> robot.lookup("#watch-path").queryAs(TextField.class).setText("/home/user/project"));
        robot.clickOn("#watch-start");
        Label status = robot.lookup("#watch-status").queryAs(Label.class);
        until("live", () -> status.getText().startsWith("Live"));
        @SuppressWarnings("unchecked") TableView<WatchRow> table = robot.lookup("#watch-events").queryAs(TableView.class);
        until("the first event", () -> platform.fsEvent("one.txt", "\"EVENT_TYPE_CREATE\"", null) > 0
                && table.getItems().stream().anyMatch(r -> r.path().equals("one.txt")));

        assertThat(platform.dropWatches()).isEqualTo(1);
        until("watching again", () -> status.getText().startsWith("Live · reconnected"));
        assertThat(w[0].viewModel().events()).anyMatch(r -> r instanceof WatchRow.Gap);
        until("an event on the new stream", () -> platform.fsEvent("two.txt", "\"EVENT_TYPE_CREATE\"", null) > 0
                && table.getItems().stream().anyMatch(r -> r.path().equals("two.txt")));
        assertThat(table.getItems()).extracting(WatchRow::path).containsSubsequence("one.txt", "two.txt");
        assertThat(table.getItems().stream().filter(r -> r instanceof WatchRow.Gap).findFirst().orElseThrow().path())
                .matches("events between \\d\\d:\\d\\d:\\d\\d and \\d\\d:\\d\\d:\\d\\d may be missing");
        assertThat(table.getItems().indexOf(table.getItems().stream().filter(r -> r instanceof WatchRow.Gap).findFirst().orElseThrow()))
                .isBetween(table.getItems().indexOf(table.getItems().stream().filter(r -> r.path().equals("one.txt")).findFirst().orElseThrow()),
                        table.getItems().indexOf(table.getItems().stream().filter(r -> r.path().equals("two.txt")).findFirst().orElseThrow()));
    }
}
