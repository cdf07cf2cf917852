package dev.sandtable.json;

import dev.sandtable.model.Inventory;
import dev.sandtable.model.Isolation;
import dev.sandtable.model.Pool;
import dev.sandtable.model.PoolStats;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.SandboxState;
import dev.sandtable.model.SourceKind;
import dev.sandtable.spi.BackendEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    private final Sandbox sandbox = new Sandbox("i123", "web-1", "host-shell", SourceKind.TEMPLATE, "host-shell",
            SandboxState.RUNNING, "running", null, Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:01Z"),
            null, Isolation.none("bubblewrap is not installed"), null, Map.of("team", "qa"));

    @Test
    void eventsRoundTripWithTheirTypeNames() throws Exception {
        var synced = new BackendEvent.Synced(new Inventory(List.of(sandbox),
                List.of(new Pool("warm", "host-shell", 2, 5, 2, 0, 0, false, PoolStats.EMPTY, Instant.EPOCH)), List.of(), List.of()));
        String text = Json.mapper().writeValueAsString(synced);
        assertThat(text).contains("\"type\":\"synced\"").contains("\"createdAt\":\"2026-11-23T10:00:00Z\"");
        assertThat(Json.mapper().readValue(text, BackendEvent.class)).isEqualTo(synced);

        var upsert = new BackendEvent.Upserted(sandbox);
        String u = Json.mapper().writeValueAsString(upsert);
        assertThat(u).contains("\"@type\":\"sandbox\"");
        assertThat(Json.mapper().readValue(u, BackendEvent.class)).isEqualTo(upsert);
    }
}
