package dev.sandtable.latency;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one probe measures; {@link #cliName()} is its name on the command line and in reports. A kind names the same
 * measurement for envd and execd where both have it; {@link #rpc(Protocol)} says which call it makes there (null: the
 * protocol has no such call, and the lab skips it).
 */
public enum StreamKind {
    /** {@code filesystem.Filesystem/WatchDir}: request to {@code start}, and a file written through {@code /files} to its event.
     *  execd has no watch: its polling fallback ({@code GET /directories/list}), which unary calls make (nothing to buffer). */
    WATCHDIR("watchdir", "filesystem.Filesystem/WatchDir", true, "GET /directories/list (polled: no watch in execd)", false),
    /** {@code process.Process/Start} with a PTY: request to {@code start}, and {@code SendInput} of a marker to its echo;
     *  execd: {@code POST /pty} and its WebSocket, request to {@code connected}, and a stdin frame to its echo. */
    PTY("pty", "process.Process/Start (pty)", true, "POST /pty + GET /pty/{id}/ws (WebSocket)", true),
    /** {@code process.Process/Start} of a command that runs on: request to {@code start} (what a background run waits for);
     *  execd: {@code POST /command} (SSE) of a command that runs on, request to {@code init}. */
    START("start", "process.Process/Start", true, "POST /command (SSE)", true),
    /** {@code process.Process/Connect} to a running process: request to {@code start}, and its output as it is printed. */
    CONNECT("connect", "process.Process/Connect", true, null, true),
    /** {@code process.Process/SendInput} to a process's stdin: the unary call's round trip. */
    SENDINPUT("sendinput", "process.Process/SendInput", false, null, false),
    /** An idle WatchDir with {@code Keepalive-Ping-Interval: 1}: the cadence of keepalive frames; execd: the {@code ping}
     *  events of an idle command stream (every 3 s). */
    KEEPALIVE("keepalive", "filesystem.Filesystem/WatchDir (idle)", true, "POST /command (SSE, idle: ping every 3 s)", true),
    /** execd only: {@code POST /command} with {@code background: true}: request to {@code init} and to
     *  {@code execution_complete} (what an SDK's background run waits for); the stream ends about 1 s later. */
    BACKGROUND("background", null, true, "POST /command {background: true} (SSE)", true);

    private final String cliName;
    private final String rpc;
    private final boolean streaming;
    private final String execdCall;
    private final boolean execdStreaming;

    StreamKind(String cliName, String rpc, boolean streaming, String execdCall, boolean execdStreaming) {
        this.cliName = cliName;
        this.rpc = rpc;
        this.streaming = streaming;
        this.execdCall = execdCall;
        this.execdStreaming = execdStreaming;
    }

    /** The call this probe makes over {@code p}, for display; null when {@code p} has none. */
    public String rpc(Protocol p) {
        return p == Protocol.EXECD ? execdCall : rpc;
    }

    public boolean supports(Protocol p) {
        return rpc(p) != null;
    }

    /** False for unary calls (and execd's polled watch), which can be slow but not buffered. */
    public boolean streaming(Protocol p) {
        return p == Protocol.EXECD ? execdStreaming : streaming;
    }

    /** Every kind {@code p} supports, in order. */
    public static List<StreamKind> supported(Protocol p) {
        List<StreamKind> out = new ArrayList<>();
        for (StreamKind k : values()) if (k.supports(p)) out.add(k);
        return List.copyOf(out);
    }

    public String cliName() {
        return cliName;
    }

    /** The envd call this probe exercises, for display (for an execd-only kind: its execd call). */
    public String rpc() {
        return rpc != null ? rpc : "execd " + execdCall;
    }

    /** False for unary calls, which can be slow but not buffered. */
    public boolean streaming() {
        return streaming;
    }

    public static StreamKind parse(String name) {
        for (StreamKind k : values()) if (k.cliName.equalsIgnoreCase(name.trim())) return k;
        throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "unknown stream '" + name + "'; known: " + names());
    }

    /** Comma-separated names ({@code watchdir,pty}) or {@code all}. */
    public static List<StreamKind> parseList(String csv) {
        if (csv == null || csv.isBlank() || csv.trim().equalsIgnoreCase("all")) return List.of(values());
        List<StreamKind> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank() && !out.contains(parse(s))) out.add(parse(s));
        return List.copyOf(out);
    }

    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (StreamKind k : values()) sb.append(sb.isEmpty() ? "" : ", ").append(k.cliName);
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
