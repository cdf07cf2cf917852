package dev.sandtable.app.ui;

import dev.sandtable.app.BackendFactory;
import dev.sandtable.synthetic.SyntheticBackend;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What only the real window shows: layout at a small size, dialogs' keys and focus, the details pane's actions. */
class WindowPolishTest {
    private final WindowDriver w = new WindowDriver();
    private SyntheticBackend backend;

    @BeforeEach
    void start() throws Exception {
        backend = BackendFactory.demoSynthetic(0);
        w.start(List.of(backend));
        w.until("rows", () -> w.names("sandbox").size() > 3);
    }

    @AfterEach
    void stop() throws Exception {
        w.stop();
        backend.close();
    }

    @Test
    void aSmallWindowShowsEverythingInsideIt() {
        WindowDriver.fx(() -> {
            w.stage.setWidth(1024);
            w.stage.setHeight(700);
            return null;
        });
        w.clickRow("sandbox", "web-1");
        double pageEnd = WindowDriver.fx(() -> {
            Node page = w.robot.lookup("#page-sandbox").query();
            return page.localToScene(page.getLayoutBounds()).getMaxX();
        });
        Bounds button = WindowDriver.fx(() -> {
            Node n = w.robot.lookup("#page-sandbox #action-create-sandbox").query();
            return n.localToScene(n.getLayoutBounds());
        });
        assertThat(button.getMaxX()).as("the toolbar's button ends inside its page").isLessThanOrEqualTo(pageEnd);
        for (String id : List.of("#status-summary", "#details-title", "#filter-sandbox", "#action-create-sandbox")) {
            Bounds b = WindowDriver.fx(() -> {
                Node n = w.robot.lookup(id).match(Node::isVisible).query();
                return n.localToScene(n.getLayoutBounds());
            });
            double width = WindowDriver.fx(() -> w.stage.getScene().getWidth());
            assertThat(b.getMaxX()).as(id + " ends inside the window").isLessThanOrEqualTo(width);
        }
    }

    @Test
    void aDialogFocusesItsFirstFieldAndNamesItsKeys() {
        w.clickRow("sandbox", "web-2");
        w.shortcut(KeyCode.S);
        w.awaitDialog("Snapshot");
        Window dialog = WindowDriver.fx(() -> Window.getWindows().stream().filter(x -> x != w.stage && x.isShowing()).findFirst().orElseThrow());
        assertThat(WindowDriver.fx(() -> dialog.getScene().getFocusOwner())).isInstanceOf(TextField.class);
        assertThat(WindowDriver.fx(() -> ((Label) dialog.getScene().lookup("#dialog-keys")).getText()))
                .isEqualTo("Enter: Snapshot  ·  Esc: Cancel");
        w.type(KeyCode.ESCAPE);
        w.awaitNoDialog();
    }

    @Test
    void onlyApplicableActionsShowAndNotIsolatedIsSpelledOut() {
        w.clickRow("sandbox", "web-1");
        w.until("details show web-1", () -> "web-1".equals(w.detailsTitle()));
        assertThat(WindowDriver.fx(() -> w.robot.lookup("#action-release-put").queryAll().stream()
                .anyMatch(n -> n.getParent().isVisible() && n.getScene() != null))).isFalse();
        assertThat(WindowDriver.fx(() -> w.robot.lookup("#action-stop").queryAll().stream()
                .anyMatch(n -> n.getParent().isVisible() && n.getScene() != null)))
                .as("Stop is left out for a backend without a stopped state").isFalse();
        assertThat(WindowDriver.fx(() -> w.robot.lookup("#action-pause").queryAll().stream()
                .anyMatch(n -> n.getParent().isVisible() && n.getScene() != null))).isTrue();
        assertThat(WindowDriver.fx(() -> w.robot.lookup("#details .badge-warning").queryAll().stream()
                .map(n -> ((Label) n).getText()).toList())).containsExactly(Badges.NOT_ISOLATED);
    }
}
