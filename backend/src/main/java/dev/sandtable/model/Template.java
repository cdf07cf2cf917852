package dev.sandtable.model;

import java.time.Instant;
import java.util.Objects;

/**
 * @param id          stable id, used in create requests
 * @param name        human name
 * @param templateKind what it is made from
 * @param sourceRef   the snapshot id or image it refers to, or null
 * @param description one line for lists and tooltips
 * @param createdAt   creation time (null for built-in templates)
 */
public record Template(String id, String name, TemplateKind templateKind, String sourceRef, String description,
                       Instant createdAt) implements Resource {
    public Template {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String key() {
        return id;
    }

    @Override
    public ResourceKind resourceKind() {
        return ResourceKind.TEMPLATE;
    }
}
