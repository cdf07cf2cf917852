package dev.sandtable.app.devices;

import atlantafx.base.theme.Styles;
import dev.sandtable.app.viewmodel.Availability;
import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.DeviceBackend;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Attach an image: the file, ublk or loop, read-only or copy-on-write, direct IO, and whether the app opens the file
 * itself. Choices this kernel lacks are disabled with the reason as their tooltip.
 */
public final class AttachDialog {
    private AttachDialog() {
    }

    public static Optional<AttachForm> show(Window owner, DevicesViewModel vm) {
        Dialog<AttachForm> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle("Attach image");
        d.setHeaderText("Attach a disk image as a block device");

        TextField image = new TextField();
        image.setId("attach-image");
        image.setPromptText("/path/to/image.img");
        image.setPrefColumnCount(30);
        Button browse = new Button("Browse…");
        browse.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Choose a disk image");
            var f = chooser.showOpenDialog(d.getDialogPane().getScene().getWindow());
            if (f != null) image.setText(f.getAbsolutePath());
        });
        HBox.setHgrow(image, Priority.ALWAYS);
        HBox imageRow = new HBox(8, image, browse);

        ToggleGroup backends = new ToggleGroup();
        RadioButton loop = radio("Loop", "attach-loop", backends);
        RadioButton ublk = radio("ublk", "attach-ublk", backends);
        boolean ublkOk = vm.backendChoice(DeviceBackend.UBLK).enabled();
        (ublkOk && vm.preferredBackend() == DeviceBackend.UBLK ? ublk : loop).setSelected(true);
        HBox backendRow = new HBox(16, choice(loop, vm.backendChoice(DeviceBackend.LOOP)), choice(ublk, vm.backendChoice(DeviceBackend.UBLK)));

        ToggleGroup modes = new ToggleGroup();
        RadioButton readOnly = radio("Read-only", "attach-read-only", modes);
        RadioButton cow = radio("Copy-on-write", "attach-cow", modes);
        readOnly.setSelected(true);
        StackPane cowWrap = choice(cow, Availability.OK);
        Runnable cowRule = () -> {
            Availability a = vm.modeChoice(AttachMode.COPY_ON_WRITE, ublk.isSelected() ? DeviceBackend.UBLK : DeviceBackend.LOOP);
            cow.setDisable(!a.enabled());
            if (!a.enabled() && cow.isSelected()) readOnly.setSelected(true);
            tooltip(cowWrap, a.enabled() ? "Writes go to a sparse overlay; the image is never written" : a.reason());
        };
        backends.selectedToggleProperty().addListener((o, a, b) -> cowRule.run());
        cowRule.run();
        HBox modeRow = new HBox(16, readOnly, cowWrap);

        CheckBox direct = new CheckBox("Direct IO (bypass the page cache)");
        direct.setId("attach-direct");
        direct.setSelected(true);
        CheckBox openMyself = new CheckBox("Open the file myself (my own permissions decide)");
        openMyself.setId("attach-open-myself");
        openMyself.setSelected(true);
        openMyself.setTooltip(new Tooltip("Off: the helper opens the path itself, only inside its image folders"));

        Label error = new Label();
        error.setId("attach-error");
        error.getStyleClass().add(Styles.DANGER);
        error.setWrapText(true);
        error.setMaxWidth(460);

        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(10);
        grid.getStyleClass().add("form");
        grid.addRow(0, label("Image"), imageRow);
        Availability ublkWhy = vm.backendChoice(DeviceBackend.UBLK);
        Label ublkHint = new Label(ublkWhy.enabled() ? "" : ublkWhy.reason());
        ublkHint.setId("attach-ublk-reason");
        ublkHint.getStyleClass().add("form-hint");
        ublkHint.setWrapText(true);
        ublkHint.setMaxWidth(460);
        ublkHint.setVisible(!ublkWhy.enabled());
        ublkHint.setManaged(!ublkWhy.enabled());
        grid.addRow(1, label("Backend"), backendRow);
        grid.add(ublkHint, 1, 2);
        grid.addRow(3, label("Mode"), modeRow);
        grid.addRow(4, new Label(), direct);
        grid.addRow(5, new Label(), openMyself);
        grid.add(error, 0, 6, 2, 1);
        d.getDialogPane().setContent(grid);
        d.getDialogPane().getStylesheets().add(dev.sandtable.app.ui.MainWindow.class.getResource("sandtable.css").toExternalForm());

        ButtonType ok = new ButtonType("Attach", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, ok);
        Button okButton = (Button) d.getDialogPane().lookupButton(ok);
        okButton.getStyleClass().add(Styles.ACCENT);
        okButton.setDefaultButton(true);
        okButton.setId("attach-ok");
        var problem = Bindings.createStringBinding(() -> problem(image.getText()), image.textProperty());
        error.textProperty().bind(problem);
        okButton.disableProperty().bind(problem.isNotEmpty());
        d.setResultConverter(b -> b != ok ? null : new AttachForm(Path.of(image.getText().trim()),
                ublk.isSelected() ? DeviceBackend.UBLK : DeviceBackend.LOOP,
                cow.isSelected() ? AttachMode.COPY_ON_WRITE : AttachMode.READ_ONLY, direct.isSelected(), openMyself.isSelected()));
        Platform.runLater(image::requestFocus);
        return d.showAndWait();
    }

    /** Why the typed path cannot be attached, or "" (the helper checks size and folders; these are the local checks). */
    static String problem(String text) {
        if (text == null || text.isBlank()) return "Choose an image file";
        try {
            Path p = Path.of(text.trim());
            if (!Files.exists(p)) return "There is no file at " + p;
            if (!Files.isRegularFile(p)) return p + " is not a regular file";
            return "";
        } catch (InvalidPathException e) {
            return "Not a path: " + text;
        }
    }

    private static RadioButton radio(String text, String id, ToggleGroup g) {
        RadioButton r = new RadioButton(text);
        r.setId(id);
        r.setToggleGroup(g);
        return r;
    }

    /** A choice wrapped so that its tooltip shows while it is disabled (a disabled control gets no mouse events). */
    private static StackPane choice(RadioButton r, Availability a) {
        StackPane wrap = new StackPane(r);
        wrap.setId(r.getId() + "-wrap");
        r.setDisable(!a.enabled());
        if (!a.enabled()) tooltip(wrap, a.reason());
        return wrap;
    }

    private static void tooltip(Node n, String text) {
        Tooltip t = new Tooltip(text);
        t.setShowDelay(javafx.util.Duration.millis(250));
        t.setWrapText(true);
        t.setMaxWidth(420);
        Tooltip.install(n, t);
    }

    private static Label label(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("form-label");
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }
}
