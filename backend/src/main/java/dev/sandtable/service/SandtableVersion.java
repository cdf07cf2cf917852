package dev.sandtable.service;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from the Maven-filtered {@code dev/sandtable/version.properties}. */
public final class SandtableVersion {
    private static final String VERSION = load();

    private SandtableVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = SandtableVersion.class.getResourceAsStream("/dev/sandtable/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
