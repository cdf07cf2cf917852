package dev.sandtable.spi;

import java.util.Map;

/**
 * @param name       the sandbox name; null to have one generated
 * @param templateId template to create from (null with a snapshot, or for the backend's default template)
 * @param snapshotId snapshot to restore from, or null
 * @param metadata   labels to attach
 */
public record CreateSandboxRequest(String name, String templateId, String snapshotId, Map<String, String> metadata) {
    public CreateSandboxRequest {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static CreateSandboxRequest fromTemplate(String name, String templateId) {
        return new CreateSandboxRequest(name, templateId, null, Map.of());
    }

    public static CreateSandboxRequest fromSnapshot(String name, String snapshotId) {
        return new CreateSandboxRequest(name, null, snapshotId, Map.of());
    }
}
