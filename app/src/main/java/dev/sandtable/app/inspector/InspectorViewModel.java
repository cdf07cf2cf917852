package dev.sandtable.app.inspector;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sandtable.json.Json;
import dev.sandtable.model.Resource;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.SandtableException;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;

import java.util.concurrent.Executor;

/**
 * What the inspector shows for the selected resource: its raw JSON (the service's own mapping) and, for a sandbox,
 * the end of its log, fetched off the FX thread. Touches no controls; the FX thread only ever sets properties.
 */
public final class InspectorViewModel {
    /** How much of a log the inspector asks for. */
    public static final int LOG_BYTES = 256 * 1024;

    private final Executor ui;
    private final ReadOnlyStringWrapper rawJson = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper logs = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper logsStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper logsAvailable = new ReadOnlyBooleanWrapper(false);
    private final BooleanProperty follow = new SimpleBooleanProperty(false);
    private Backend backend;
    private String sandbox;
    /** Answers to an older request (another sandbox, an earlier refresh) are dropped. */
    private long generation;
    private boolean fetching;

    /** {@code ui} runs on the FX thread (Platform::runLater in the window, direct in tests). */
    public InspectorViewModel(Executor ui) {
        this.ui = ui;
    }

    /** Shows {@code resource} (null: nothing) of {@code backend}; fetches a sandbox's logs when its key changed. */
    public void show(Resource resource, Backend backend) {
        rawJson.set(resource == null ? "" : toJson(resource));
        String key = resource instanceof Sandbox s ? s.key() : null;
        if (backend == this.backend && java.util.Objects.equals(key, sandbox)) return;
        this.backend = backend;
        this.sandbox = key;
        generation++;
        fetching = false;
        logs.set("");
        if (key == null) {
            logsAvailable.set(false);
            logsStatus.set(resource == null ? "" : "Only sandboxes have logs");
            return;
        }
        if (!backend.capabilities().supports(Operation.LOGS)) {
            logsAvailable.set(false);
            logsStatus.set(backend.capabilities().whyNot(Operation.LOGS).orElse("Logs are not available"));
            return;
        }
        logsAvailable.set(true);
        refreshLogs();
    }

    /** Fetches the log again; a no-op while a fetch is under way or without a sandbox. */
    public void refreshLogs() {
        if (sandbox == null || !logsAvailable.get() || fetching) return;
        fetching = true;
        long gen = generation;
        if (logs.get().isEmpty()) logsStatus.set("Loading logs…");
        backend.logs(sandbox, LOG_BYTES).whenComplete((text, error) -> ui.execute(() -> {
            if (gen != generation) return;
            fetching = false;
            if (error != null) {
                logsStatus.set("Could not load the logs: " + SandtableException.of(unwrap(error)).getMessage());
            } else {
                logs.set(text);
                logsStatus.set(text.isEmpty() ? "The log is empty" : "");
            }
        }));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    static String toJson(Resource resource) {
        try {
            return Json.mapper().writerFor(Resource.class).withDefaultPrettyPrinter().writeValueAsString(resource);
        } catch (JsonProcessingException e) {
            return "could not write this resource as JSON: " + e.getOriginalMessage();
        }
    }

    public ReadOnlyStringProperty rawJsonProperty() {
        return rawJson.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty logsProperty() {
        return logs.getReadOnlyProperty();
    }

    /** Why there are no logs to show, or that they are loading; empty when the logs are shown. */
    public ReadOnlyStringProperty logsStatusProperty() {
        return logsStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty logsAvailableProperty() {
        return logsAvailable.getReadOnlyProperty();
    }

    /** Refresh the logs every few seconds and keep the view at their end. */
    public BooleanProperty followProperty() {
        return follow;
    }
}
