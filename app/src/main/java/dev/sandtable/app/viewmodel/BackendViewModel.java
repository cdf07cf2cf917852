package dev.sandtable.app.viewmodel;

import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.ConnectionState;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** One backend in the sidebar: what it is, what it can do, and whether it is connected. */
public final class BackendViewModel {
    private final Backend backend;
    private final String id;
    private final ReadOnlyObjectWrapper<ConnectionState> state = new ReadOnlyObjectWrapper<>(ConnectionState.CONNECTING);
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper();
    private final String name;
    private final boolean removable;

    public BackendViewModel(Backend backend) {
        this(backend, null, false);
    }

    /**
     * @param name      what the user called it (null: the backend's own display name)
     * @param removable true for backends the user added, which "Remove backend" may take out of the window
     */
    public BackendViewModel(Backend backend, String name, boolean removable) {
        this.backend = backend;
        this.id = backend.info().id();
        this.name = name == null || name.isBlank() ? null : name;
        this.removable = removable;
    }

    public boolean removable() {
        return removable;
    }

    public Backend backend() {
        return backend;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return name != null ? name : backend.info().displayName();
    }

    /** Asked each time: a backend still connecting learns its name and capabilities when it connects. */
    public BackendInfo info() {
        return backend.info();
    }

    public Capabilities capabilities() {
        return backend.capabilities();
    }

    public ReadOnlyObjectProperty<ConnectionState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ConnectionState state() {
        return state.get();
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    void setConnection(ConnectionState newState, String why) {
        message.set(why); // first: listeners of the state read the reason
        state.set(newState);
    }

    /** "Connected", "Reconnecting: socket closed", ... */
    public static String describe(ConnectionState state, String message) {
        String s = switch (state) {
            case CONNECTING -> "Connecting…";
            case CONNECTED -> "Connected";
            case RECONNECTING -> "Reconnecting…";
            case DISCONNECTED -> "Disconnected";
        };
        return message == null || message.isBlank() ? s : s + ": " + message;
    }
}
