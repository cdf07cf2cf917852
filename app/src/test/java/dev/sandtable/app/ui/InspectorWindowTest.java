package dev.sandtable.app.ui;

import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.synthetic.SyntheticBackend;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import org.fxmisc.richtext.CodeArea;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Selecting a sandbox shows its raw JSON and its logs in the details pane's inspector; Ctrl+F searches them. */
class InspectorWindowTest {
    final WindowDriver w = new WindowDriver();
    final SyntheticBackend backend = new SyntheticBackend("local", "Local", Clock.systemUTC());

    @AfterEach
    void tearDown() throws Exception {
        w.stop();
        backend.close();
    }

    private String text(String id) {
        return WindowDriver.fx(() -> w.robot.lookup("#" + id).tryQuery().map(n -> ((CodeArea) n).getText()).orElse(""));
    }

    /** Presses a button the way a click does (the robot's mouse is not needed for what is tested here). */
    private void fire(String id) {
        WindowDriver.fx(() -> {
            w.robot.lookup("#" + id).queryAs(javafx.scene.control.ButtonBase.class).fire();
            return null;
        });
    }

    private String counter() {
        return WindowDriver.fx(() -> w.robot.lookup("#inspector-search-count").queryAs(Label.class).getText());
    }

    @Test
    void selectedSandboxShowsItsRawJsonAndLogsAndSearchJumpsBetweenMatches() throws Exception {
        Sandbox s = backend.create(CreateSandboxRequest.fromTemplate("inspect-me", null)).get(5, TimeUnit.SECONDS);
        backend.create(CreateSandboxRequest.fromTemplate("other", null)).get(5, TimeUnit.SECONDS);
        w.start(List.of(backend));
        WindowDriver.fx(() -> { // other tests leave the shared stage small
            w.stage.setWidth(1280);
            w.stage.setHeight(800);
            return null;
        });
        w.clickRow("sandbox", "inspect-me");

        w.until("the raw JSON shows the sandbox's id", () -> text("inspector-raw").contains("\"id\" : \"" + s.id() + "\""));
        assertThat(text("inspector-raw")).contains("\"name\" : \"inspect-me\"");
        CodeArea raw = WindowDriver.fx(() -> w.robot.lookup("#inspector-raw").queryAs(CodeArea.class));
        assertThat(WindowDriver.fx(raw::isEditable)).isFalse();
        int idAt = text("inspector-raw").indexOf("\"id\"");
        assertThat(WindowDriver.fx(() -> raw.getStyleAtPosition(idAt + 1))).contains("json-key");

        WindowDriver.fx(() -> {
            w.robot.lookup("#inspector").lookup(".tab-pane").queryAs(TabPane.class).getSelectionModel().select(1);
            return null;
        });
        w.until("the logs show", () -> text("inspector-logs").contains("synthetic init started for inspect-me"));
        String logs = text("inspector-logs");
        int errorAt = logs.indexOf("ERROR");
        CodeArea logArea = WindowDriver.fx(() -> w.robot.lookup("#inspector-logs").queryAs(CodeArea.class));
        assertThat(WindowDriver.fx(() -> logArea.getStyleAtPosition(errorAt + 1))).contains("log-error");

        // Ctrl+F from inside the inspector focuses the search field; Enter and Shift+Enter move between matches
        WindowDriver.fx(() -> {
            logArea.requestFocus();
            return null;
        });
        w.until("the logs have focus", logArea::isFocused);
        w.shortcut(KeyCode.F);
        TextField search = WindowDriver.fx(() -> w.robot.lookup("#inspector-search").queryAs(TextField.class));
        w.until("the search field has focus", search::isFocused);
        w.robot.write("info");
        w.until("the counter shows the matches", () -> counter().equals("1 of 3"));
        assertThat(WindowDriver.fx(() -> logArea.getStyleAtPosition(logs.toLowerCase().indexOf("info") + 1)))
                .contains("search-match", "search-current");
        w.type(KeyCode.ENTER);
        assertThat(counter()).isEqualTo("2 of 3");
        w.robot.press(KeyCode.SHIFT).press(KeyCode.ENTER).release(KeyCode.ENTER).release(KeyCode.SHIFT);
        w.until("Shift+Enter goes back", () -> counter().equals("1 of 3"));
        w.robot.press(KeyCode.SHIFT).press(KeyCode.ENTER).release(KeyCode.ENTER).release(KeyCode.SHIFT);
        w.until("and wraps around", () -> counter().equals("3 of 3"));
        assertThat(WindowDriver.fx(logArea::getSelectedText)).isEqualToIgnoringCase("info");

        // Refresh fetches again; Follow keeps fetching (the synthetic log ends with the current state)
        backend.pause(s.id()).get(5, TimeUnit.SECONDS);
        assertThat(text("inspector-logs")).doesNotContain("state Paused");
        fire("inspector-refresh");
        w.until("Refresh shows the new state", () -> text("inspector-logs").contains("state Paused"));
        fire("inspector-follow");
        assertThat(WindowDriver.fx(() -> w.robot.lookup("#inspector-follow").queryAs(javafx.scene.control.ToggleButton.class).isSelected())).isTrue();
        backend.resume(s.id()).get(5, TimeUnit.SECONDS);
        w.until("Follow picks up the new state", () -> text("inspector-logs").contains("state Running"));
        fire("inspector-follow");

        // another sandbox: its own JSON and logs
        w.clickRow("sandbox", "other");
        w.until("the other sandbox's logs show", () -> text("inspector-logs").contains("synthetic init started for other"));
        assertThat(text("inspector-raw")).contains("\"name\" : \"other\"").doesNotContain("inspect-me");
    }
}
