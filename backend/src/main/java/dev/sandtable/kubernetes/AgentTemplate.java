package dev.sandtable.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The fields of a {@code SandboxTemplate} (extensions.agents.x-k8s.io) Sandtable uses. */
public record AgentTemplate(String name, List<String> images, Instant createdAt) {
    public static AgentTemplate of(GenericKubernetesResource r) {
        Map<String, Object> podSpec = Fields.map(r, "spec", "podTemplate", "spec");
        List<String> images = List.of();
        if (podSpec != null && podSpec.get("containers") instanceof List<?> cs) {
            images = cs.stream().filter(Map.class::isInstance).map(c -> ((Map<?, ?>) c).get("image"))
                    .filter(Objects::nonNull).map(Object::toString).toList();
        }
        return new AgentTemplate(r.getMetadata().getName(), images, Fields.instant(r.getMetadata().getCreationTimestamp()));
    }
}
