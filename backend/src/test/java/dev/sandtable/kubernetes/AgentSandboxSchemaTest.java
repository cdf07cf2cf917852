package dev.sandtable.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sandtable.testing.Requirements;
import dev.sandtable.testing.SharedSpecs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every field path the typed agent-sandbox views read or write ({@link AgentKind#fieldPaths}) exists in the published
 * CRD schemas, for each version Sandtable reads. The CRDs are the project's reference copies
 * ({@code shared/specs/agent-sandbox}, or {@code -Dsandtable.agentSandboxCrds=DIR}).
 */
class AgentSandboxSchemaTest {
    static Path crdDir() {
        String p = System.getProperty("sandtable.agentSandboxCrds");
        return p != null ? Path.of(p) : SharedSpecs.require("agent-sandbox");
    }

    @Test
    void everyFieldReadExistsInTheCrdSchemas() throws IOException {
        Path dir = crdDir();
        Requirements.require(Files.isDirectory(dir), "the agent-sandbox CRDs (shared/specs/agent-sandbox) at " + dir.toAbsolutePath()
                + "; point -Dsandtable.agentSandboxCrds at a copy of kubernetes-sigs/agent-sandbox's CRD YAML files");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (AgentKind k : AgentKind.values()) {
            if (k.openSandbox()) continue;
            JsonNode crd = yaml.readTree(dir.resolve(k.group() + "_" + k.plural() + ".yaml").toFile());
            assertThat(crd.at("/spec/group").asText()).isEqualTo(k.group());
            assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(k.kind());
            for (String version : AgentKind.KNOWN_VERSIONS) {
                JsonNode schema = null;
                for (JsonNode v : crd.at("/spec/versions")) if (v.get("name").asText().equals(version)) schema = v.at("/schema/openAPIV3Schema");
                assertThat(schema).as(k + " serves " + version).isNotNull();
                for (String path : k.fieldPaths(version)) {
                    checked++;
                    if (!exists(schema, path)) missing.add(k.kind() + " " + version + ": " + path);
                }
            }
        }
        assertThat(missing).as("field paths not in the CRD schemas").isEmpty();
        assertThat(checked).isGreaterThan(40);
    }

    /** The same for OpenSandbox's kinds, against {@code shared/specs/opensandbox} (v1alpha1 only). */
    @Test
    void everyOpenSandboxFieldReadExistsInTheCrdSchemas() throws IOException {
        Path dir = SharedSpecs.require("opensandbox");
        Requirements.require(Files.isDirectory(dir), "the OpenSandbox CRDs (shared/specs/opensandbox) at " + dir.toAbsolutePath());
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (AgentKind k : AgentKind.values()) {
            if (!k.openSandbox()) continue;
            JsonNode crd = yaml.readTree(dir.resolve(k.group() + "_" + k.plural() + ".yaml").toFile());
            assertThat(crd.at("/spec/group").asText()).isEqualTo(k.group());
            assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(k.kind());
            assertThat(k.versions()).containsExactly(AgentKind.V1ALPHA1);
            for (String version : k.versions()) {
                JsonNode schema = null;
                for (JsonNode v : crd.at("/spec/versions")) if (v.get("name").asText().equals(version)) schema = v.at("/schema/openAPIV3Schema");
                assertThat(schema).as(k + " serves " + version).isNotNull();
                for (String path : k.fieldPaths(version)) {
                    checked++;
                    if (!exists(schema, path)) missing.add(k.kind() + " " + version + ": " + path);
                }
            }
        }
        assertThat(missing).as("field paths not in the CRD schemas").isEmpty();
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void aMisspelledPathIsCaught() throws IOException {
        Path dir = crdDir();
        Requirements.require(Files.isDirectory(dir), "the agent-sandbox CRDs at " + dir.toAbsolutePath());
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("agents.x-k8s.io_sandboxes.yaml").toFile());
        JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        assertThat(exists(schema, "spec.operatingMode")).isTrue();
        assertThat(exists(schema, "spec.operatingmode")).isFalse();
        assertThat(exists(schema, "status.conditions[].reason")).isTrue();
        assertThat(exists(schema, "status.conditions.reason")).isFalse();
    }

    static boolean exists(JsonNode schema, String path) {
        JsonNode cur = schema;
        for (String step : path.split("\\.")) {
            boolean array = step.endsWith("[]");
            String name = array ? step.substring(0, step.length() - 2) : step;
            cur = cur.path("properties").path(name);
            if (cur.isMissingNode()) return false;
            if (array) {
                if (!"array".equals(cur.path("type").asText())) return false;
                cur = cur.path("items");
            }
        }
        return true;
    }
}
