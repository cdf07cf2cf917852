package dev.sandtable.app.latency;

import atlantafx.base.theme.Styles;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.Window;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** "Add endpoint": the same sandbox through another URL (a proxy), for A/B. Blank fields come from the sandbox's own endpoint. */
final class EndpointDialog {
    static final String TITLE = "Add endpoint";

    private final Dialog<EndpointSpec> dialog = new Dialog<>();

    EndpointDialog(LatencyViewModel vm, Window owner, LatencyPane.Files files) {
        dialog.initOwner(owner);
        dialog.setTitle(TITLE);
        dialog.setHeaderText("Probe the same sandbox through another endpoint");
        TextField label = field("endpoint-label", vm.suggestLabel(), "proxy");
        // an OpenSandbox sandbox is probed over execd: the endpoint is execd's URL through the proxy, nothing else
        boolean execd = vm.choiceProperty().get() != null && vm.choiceProperty().get().own() instanceof dev.sandtable.latency.ProbeTarget.Execd;
        TextField sandboxUrl = field("endpoint-sandbox-url", "", execd ? "https://proxy.example.com/… (execd through the proxy)"
                : "https://proxy.example.com (envd through the proxy)");
        TextField apiUrl = field("endpoint-api-url", "", execd ? "(not for execd: the OpenSandbox server's)" : "blank: the sandbox's own control plane");
        TextField apiKey = field("endpoint-api-key", "", execd ? "(not for execd: the OpenSandbox server's)" : "blank: the sandbox's own key");
        apiUrl.setDisable(execd);
        apiKey.setDisable(execd);
        TextField caCert = field("endpoint-ca-cert", "", "PEM file of a private CA (optional)");
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            Path p = files.open("Choose a CA certificate file (PEM)");
            if (p != null) caCert.setText(p.toString());
        });
        HBox.setHgrow(caCert, Priority.ALWAYS);
        HBox ca = new HBox(6, caCert, browse);
        Label error = new Label();
        error.getStyleClass().addAll(Styles.DANGER, "form-error");
        error.setWrapText(true);
        error.setMaxWidth(420);
        Label hint = new Label("The run probes the sandbox directly and through this endpoint, one after the other,\n"
                + "and puts the two side by side with the ratio.");
        hint.getStyleClass().addAll(Styles.TEXT_MUTED, "form-hint");
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(10);
        grid.getStyleClass().add("form");
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(100);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        c1.setMinWidth(380);
        grid.getColumnConstraints().addAll(c0, c1);
        grid.addRow(0, new Label("Name"), label);
        grid.addRow(1, new Label("Sandbox URL"), sandboxUrl);
        grid.addRow(2, new Label("API URL"), apiUrl);
        grid.addRow(3, new Label("API key"), apiKey);
        grid.addRow(4, new Label("CA certificate"), ca);
        grid.add(hint, 0, 5, 2, 1);
        grid.add(error, 0, 6, 2, 1);
        dialog.getDialogPane().setContent(grid);
        dialog.getDialogPane().getStyleClass().add("sandtable-dialog");
        var css = LatencyPane.class.getResource("/dev/sandtable/app/ui/sandtable.css");
        if (css != null) dialog.getDialogPane().getStylesheets().add(css.toExternalForm());
        ButtonType ok = new ButtonType("Add", ButtonBar.ButtonData.OK_DONE);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.CANCEL, ok);
        Button okButton = (Button) dialog.getDialogPane().lookupButton(ok);
        okButton.getStyleClass().add(Styles.ACCENT);
        okButton.setDefaultButton(true);
        okButton.setId("dialog-ok");
        Supplier<EndpointSpec> spec = () -> new EndpointSpec(label.getText(), sandboxUrl.getText(), apiUrl.getText(), apiKey.getText(), caCert.getText());
        var problem = Bindings.createStringBinding(() -> {
            String p = vm.endpointProblem(spec.get());
            return p == null ? "" : p;
        }, label.textProperty(), sandboxUrl.textProperty(), apiUrl.textProperty(), apiKey.textProperty(), caCert.textProperty());
        error.textProperty().bind(problem);
        okButton.disableProperty().bind(problem.isNotEmpty());
        dialog.setResultConverter(b -> b == ok ? spec.get() : null);
        Platform.runLater(sandboxUrl::requestFocus);
    }

    private static TextField field(String id, String text, String prompt) {
        TextField f = new TextField(text);
        f.setId(id);
        f.setPromptText(prompt);
        return f;
    }

    Optional<EndpointSpec> show() {
        return dialog.showAndWait();
    }
}
