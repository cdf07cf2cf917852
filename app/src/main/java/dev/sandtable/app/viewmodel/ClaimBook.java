package dev.sandtable.app.viewmodel;

import dev.sandtable.spi.Claim;
import javafx.collections.FXCollections;
import javafx.collections.ObservableMap;

/** Claims taken from pools in this window, by the claimed sandbox's row id: they are what "release" releases. */
public final class ClaimBook {
    private final ObservableMap<String, Claim> bySandboxRow = FXCollections.observableHashMap();

    public ObservableMap<String, Claim> claims() {
        return bySandboxRow;
    }

    public Claim claimOf(String sandboxRowId) {
        return bySandboxRow.get(sandboxRowId);
    }

    void add(String sandboxRowId, Claim claim) {
        bySandboxRow.put(sandboxRowId, claim);
    }

    void remove(String sandboxRowId) {
        bySandboxRow.remove(sandboxRowId);
    }

    public long heldFor(String backendId, String pool) {
        return bySandboxRow.entrySet().stream()
                .filter(e -> e.getKey().startsWith(backendId + "/") && e.getValue().pool().equals(pool)).count();
    }
}
