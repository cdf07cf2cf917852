package dev.sandtable.model;

import java.util.regex.Pattern;

/** The one naming rule for sandboxes, pools and snapshots: a DNS label, so names work as hostnames and in paths. */
public final class Names {
    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    private Names() {
    }

    /** Null when valid; otherwise a sentence that says what is wrong and what is allowed. */
    public static String problem(String what, String name) {
        if (name == null || name.isBlank()) return what + " name must not be empty";
        if (name.length() > MAX_LENGTH)
            return what + " name '" + name + "' is " + name.length() + " characters long; at most " + MAX_LENGTH + " are allowed";
        if (!VALID.matcher(name).matches())
            return what + " name '" + name + "' is invalid: use lowercase letters, digits and '-', starting and ending with a letter or digit";
        return null;
    }

    public static boolean isValid(String name) {
        return problem("x", name) == null;
    }
}
