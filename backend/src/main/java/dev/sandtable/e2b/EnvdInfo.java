package dev.sandtable.e2b;

import com.fasterxml.jackson.databind.JsonNode;

/** What the API tells about reaching one sandbox's envd. */
record EnvdInfo(String sandboxId, String domain, String envdVersion, String accessToken) {
    static EnvdInfo of(JsonNode n) {
        return new EnvdInfo(n.path("sandboxID").asText(), E2bMapping.text(n, "domain"), E2bMapping.text(n, "envdVersion"),
                E2bMapping.text(n, "envdAccessToken"));
    }

    /** envd before 0.4.0 has no default user: the SDK then always sends "user". */
    boolean needsExplicitUser() {
        if (envdVersion == null) return false;
        String[] p = envdVersion.split("[.-]");
        try {
            return Integer.parseInt(p[0]) == 0 && p.length > 1 && Integer.parseInt(p[1]) < 4;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
