package dev.sandtable.app.viewmodel;

import dev.sandtable.app.remote.RemoteBackendSpec;
import dev.sandtable.app.remote.RemoteBackendStore;
import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The remote backends (E2B-compatible platforms, OpenSandbox servers) the user added to the window: adds them to the live inventory, takes them out again,
 * and keeps the {@link RemoteBackendStore} in step so they come back next start. Building a backend does no network
 * I/O (its poller connects on its own thread), so this runs on the FX thread; closing one runs on the worker.
 */
public final class RemoteBackends {
    private final LiveInventory inventory;
    private final RemoteBackendStore store;
    private final Function<RemoteBackendSpec, Backend> factory;
    private final Executor worker;
    private final Map<BackendViewModel, RemoteBackendSpec> added = new LinkedHashMap<>();

    public RemoteBackends(LiveInventory inventory, RemoteBackendStore store, Function<RemoteBackendSpec, Backend> factory, Executor worker) {
        this.inventory = inventory;
        this.store = store;
        this.factory = factory;
        this.worker = worker;
    }

    /** The production factory: Sandtable's E2B client, its OpenSandbox client, or the Docker backend for a unix:// or tcp:// URL. */
    public static Backend e2b(RemoteBackendSpec spec) {
        if (spec.kind() == RemoteBackendSpec.Kind.OPENSANDBOX) return new dev.sandtable.opensandbox.OpenSandboxBackend(spec.toOpenSandboxConfig());
        if (spec.isDocker()) {
            String p = spec.problem();
            if (p != null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, p);
            return new dev.sandtable.docker.DockerBackend(dev.sandtable.docker.DockerHost.of(spec.apiUrl(), "added"));
        }
        return new E2bBackend(spec.toConfig());
    }

    /** Connects every saved backend; returns the problems of those that could not be (each in words for the user). */
    public List<String> restoreSaved() {
        List<String> problems = new ArrayList<>();
        List<RemoteBackendSpec> saved;
        try {
            saved = store.load();
        } catch (SandtableException e) {
            return List.of(e.getMessage());
        }
        for (RemoteBackendSpec s : saved) {
            try {
                connect(s);
            } catch (RuntimeException e) {
                problems.add(s.name() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** What would stop {@code spec} from being added (an invalid field, a name or URL already in the window), or null. */
    public String problem(RemoteBackendSpec spec) {
        String p = spec.problem();
        if (p != null) return p;
        for (BackendViewModel b : inventory.backends())
            if (b.displayName().equalsIgnoreCase(spec.name())) return "A backend named " + spec.name() + " is already in the window";
        for (RemoteBackendSpec s : added.values())
            if (s.apiUrl().equals(spec.apiUrl())) return s.name() + " already uses " + spec.apiUrl();
        return null;
    }

    /** Adds a backend to the window and saves it; fails with INVALID_ARGUMENT / ALREADY_EXISTS and nothing changed. */
    public BackendViewModel add(RemoteBackendSpec spec) {
        String p = problem(spec);
        if (p != null) throw new SandtableException(spec.problem() == null ? ErrorCode.ALREADY_EXISTS : ErrorCode.INVALID_ARGUMENT, p);
        BackendViewModel vm = connect(spec);
        try {
            save();
        } catch (RuntimeException e) {
            remove(vm);
            throw e;
        }
        return vm;
    }

    private BackendViewModel connect(RemoteBackendSpec spec) {
        Backend backend = factory.apply(spec);
        if (inventory.backend(backend.info().id()) != null) {
            backend.close();
            throw new SandtableException(ErrorCode.ALREADY_EXISTS, "a backend for " + spec.apiUrl() + " is already in the window");
        }
        BackendViewModel vm = inventory.connect(new BackendViewModel(backend, spec.name(), true));
        added.put(vm, spec);
        return vm;
    }

    /** Takes an added backend out of the window and out of the saved list, and closes it on the worker. */
    public void remove(BackendViewModel b) {
        if (!b.removable() || !added.containsKey(b))
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, b.displayName() + " is not an added backend; only added backends can be removed");
        added.remove(b);
        inventory.disconnect(b);
        save();
        worker.execute(b.backend()::close);
    }

    public List<RemoteBackendSpec> specs() {
        return List.copyOf(added.values());
    }

    private void save() {
        store.save(new ArrayList<>(added.values()));
    }
}
