package dev.sandtable.latency;

/**
 * The sandbox agent a target's streams come from: E2B's envd (Connect RPC) or OpenSandbox's execd (HTTP + SSE).
 *
 * @param agent         its name in reports
 * @param keepaliveKind the frame kind of its idle keepalives
 * @param keepaliveMs   their cadence: envd's at the requested {@code Keepalive-Ping-Interval: 1}; execd sends a
 *                      {@code ping} event every 3 s from a command stream's {@code init} (fixed in its code,
 *                      {@code controller/sse.go})
 */
public enum Protocol {
    ENVD("envd", "keepalive", 1000),
    EXECD("execd", "ping", 3000);

    private final String agent;
    private final String keepaliveKind;
    private final long keepaliveMs;

    Protocol(String agent, String keepaliveKind, long keepaliveMs) {
        this.agent = agent;
        this.keepaliveKind = keepaliveKind;
        this.keepaliveMs = keepaliveMs;
    }

    public String agent() {
        return agent;
    }

    public String keepaliveKind() {
        return keepaliveKind;
    }

    public long keepaliveMs() {
        return keepaliveMs;
    }

    /** The protocol whose keepalive frames have this kind (envd when none). */
    static Protocol ofKeepalive(String frameKind) {
        return EXECD.keepaliveKind.equals(frameKind) ? EXECD : ENVD;
    }
}
