package dev.sandtable.latency;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What one probe measures; {@link #cliName()} is its name on the command line and in reports. */
public enum StreamKind {
    /** {@code filesystem.Filesystem/WatchDir}: request to {@code start}, and a file written through {@code /files} to its event. */
    WATCHDIR("watchdir", "filesystem.Filesystem/WatchDir", true),
    /** {@code process.Process/Start} with a PTY: request to {@code start}, and {@code SendInput} of a marker to its echo. */
    PTY("pty", "process.Process/Start (pty)", true),
    /** {@code process.Process/Start} of a command that runs on: request to {@code start} (what a background run waits for). */
    START("start", "process.Process/Start", true),
    /** {@code process.Process/Connect} to a running process: request to {@code start}, and its output as it is printed. */
    CONNECT("connect", "process.Process/Connect", true),
    /** {@code process.Process/SendInput} to a process's stdin: the unary call's round trip. */
    SENDINPUT("sendinput", "process.Process/SendInput", false),
    /** An idle WatchDir with {@code Keepalive-Ping-Interval: 1}: the cadence of keepalive frames. */
    KEEPALIVE("keepalive", "filesystem.Filesystem/WatchDir (idle)", true);

    private final String cliName;
    private final String rpc;
    private final boolean streaming;

    StreamKind(String cliName, String rpc, boolean streaming) {
        this.cliName = cliName;
        this.rpc = rpc;
        this.streaming = streaming;
    }

    public String cliName() {
        return cliName;
    }

    /** The envd call this probe exercises, for display. */
    public String rpc() {
        return rpc;
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
