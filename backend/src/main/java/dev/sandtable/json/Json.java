package dev.sandtable.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Resource;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.model.Template;
import dev.sandtable.spi.BackendEvent;

/**
 * The one JSON mapping of the model: used by the service, its client, the command line's {@code --json} and the
 * persisted state files. Timestamps are ISO-8601 strings; sealed types carry a type name.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addMixIn(Resource.class, ResourceMixin.class)
            .addMixIn(BackendEvent.class, BackendEventMixin.class)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Sandbox.class, name = "sandbox"),
            @JsonSubTypes.Type(value = Pool.class, name = "pool"),
            @JsonSubTypes.Type(value = Snapshot.class, name = "snapshot"),
            @JsonSubTypes.Type(value = Template.class, name = "template")})
    private interface ResourceMixin {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = BackendEvent.Synced.class, name = "synced"),
            @JsonSubTypes.Type(value = BackendEvent.Upserted.class, name = "upserted"),
            @JsonSubTypes.Type(value = BackendEvent.Removed.class, name = "removed"),
            @JsonSubTypes.Type(value = BackendEvent.Lifecycle.class, name = "lifecycle"),
            @JsonSubTypes.Type(value = BackendEvent.Connection.class, name = "connection")})
    private interface BackendEventMixin {
    }
}
