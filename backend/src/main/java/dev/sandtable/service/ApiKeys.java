package dev.sandtable.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/** API keys in E2B's shape: {@code e2b_} followed by 40 hex characters (20 random bytes). */
public final class ApiKeys {
    public static final String HEADER = "X-API-Key";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return "e2b_" + HexFormat.of().formatHex(bytes);
    }

    /** Constant-time comparison, so that the key cannot be guessed from response times. */
    public static boolean matches(String expected, String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
