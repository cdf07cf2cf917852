package dev.sandtable.e2b.server;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which sandbox and port a request is for, and its path with any routing prefix removed. Three forms are understood:
 * the SDK's {@code E2b-Sandbox-Id}/{@code E2b-Sandbox-Port} headers, a Host of the form {@code <port>-<id>.<domain>},
 * and CubeProxy's path prefix {@code /sandbox/<id>/<port>/...}.
 */
record SandboxRoute(String sandboxId, int port, String path) {
    static final String ID_HEADER = "E2b-Sandbox-Id";
    static final String PORT_HEADER = "E2b-Sandbox-Port";
    private static final Pattern HOST = Pattern.compile("^(\\d+)-([A-Za-z0-9_-]+)\\..*");
    private static final Pattern PREFIX = Pattern.compile("^/sandbox/([A-Za-z0-9_-]+)/(\\d+)(/.*)?$");

    /** The route of a request, or null when it is not addressed to a sandbox. */
    static SandboxRoute of(String path, String idHeader, String portHeader, String host) {
        Matcher m = PREFIX.matcher(path);
        if (m.matches()) return new SandboxRoute(m.group(1), port(m.group(2)), m.group(3) == null ? "/" : m.group(3));
        if (idHeader != null && !idHeader.isBlank())
            return new SandboxRoute(idHeader.trim(), portHeader == null || portHeader.isBlank() ? Envd.PORT : port(portHeader.trim()), path);
        if (host != null) {
            Matcher h = HOST.matcher(host);
            if (h.matches()) return new SandboxRoute(h.group(2), port(h.group(1)), path);
        }
        return null;
    }

    private static int port(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
