package dev.sandtable.e2b.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.pty4j.PtyProcessBuilder;
import dev.sandtable.local.ExecSpec;
import dev.sandtable.local.LocalRuntime;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The processes envd started in one sandbox, by pid. A finished process stays {@link #RETENTION} so that a late
 * Process/Connect still gets its end event.
 */
final class EnvdProcesses {
    static final Duration RETENTION = Duration.ofSeconds(30);

    private final LocalRuntime runtime;
    private final ScheduledExecutorService timers;
    private final Map<Long, EnvdProcess> byPid = new ConcurrentHashMap<>();
    /** The sandbox's global environment (E2B's envVars at creation); each request's envs win over it. */
    private volatile Map<String, String> globalEnv = Map.of();

    EnvdProcesses(LocalRuntime runtime, ScheduledExecutorService timers) {
        this.runtime = runtime;
        this.timers = timers;
    }

    void setGlobalEnv(Map<String, String> env) {
        for (String k : env.keySet())
            if (k.isEmpty() || k.contains("=")) throw new IllegalArgumentException("invalid environment variable name '" + k + "'");
        globalEnv = Map.copyOf(env);
    }

    /**
     * Starts {@code request} (a StartRequest) inside the sandbox. The process lives on when the request ends;
     * a positive {@code timeout} kills it when it passes.
     */
    EnvdProcess start(SandboxView view, JsonNode request, EnvdProcess.Subscriber first, Duration timeout) {
        JsonNode config = ProtoJson.field(request, "process");
        String cmd = ProtoJson.string(config, "cmd");
        if (cmd.isEmpty()) throw ConnectError.invalidArgument("process.cmd is required");
        String cwd = view.resolve(ProtoJson.string(config, "cwd"));
        if (!Files.isDirectory(view.host(cwd))) throw ConnectError.invalidArgument("cwd '" + cwd + "' does not exist");
        List<String> inside = new ArrayList<>(List.of("env"));
        Map<String, String> env = new java.util.LinkedHashMap<>(globalEnv);
        env.putAll(ProtoJson.stringMap(ProtoJson.field(config, "envs")));
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains("="))
                throw ConnectError.invalidArgument("invalid environment variable name '" + e.getKey() + "'");
            inside.add(e.getKey() + "=" + e.getValue());
        }
        JsonNode ptyNode = ProtoJson.field(request, "pty");
        String launch = "cd \"$0\" && exec \"$@\"";
        if (!ptyNode.isMissingNode()) {
            // pty4j sets the window size only after the fork, so a quick command could still see 0x0: set it first
            int[] size = ptySize(ptyNode);
            launch = "cd \"$0\" && { stty rows " + size[1] + " cols " + size[0] + " 2>/dev/null; exec \"$@\"; }";
        }
        inside.addAll(List.of("/bin/sh", "-c", launch, cwd, cmd));
        for (JsonNode a : ProtoJson.field(config, "args")) inside.add(a.asText());
        ExecSpec spec;
        try {
            spec = runtime.execSpec(view.sandboxId(), inside);
        } catch (RuntimeException e) {
            throw new ConnectError("failed_precondition", e.getMessage());
        }
        String tag = ProtoJson.has(request, "tag", null) ? ProtoJson.string(request, "tag") : null;
        // absent stdin means true (envd's backwards compatibility); a PTY always takes input
        boolean stdin = !ProtoJson.has(request, "stdin", null) || ProtoJson.bool(request, "stdin", null);
        Process process;
        try {
            process = ptyNode.isMissingNode() ? startPiped(spec, stdin) : startPty(spec, ptyNode);
        } catch (IOException e) {
            throw ConnectError.internal("cannot start '" + cmd + "': " + e.getMessage());
        }
        EnvdProcess p = EnvdProcess.started(process, config, tag, stdin, first);
        byPid.put(p.pid(), p);
        ScheduledFuture<?> deadline = timeout.isZero() ? null
                : timers.schedule(() -> p.signal(EnvdProcess.SIGKILL), timeout.toMillis(), TimeUnit.MILLISECONDS);
        p.end().whenComplete((e, err) -> {
            if (deadline != null) deadline.cancel(false);
            timers.schedule(() -> byPid.remove(p.pid(), p), RETENTION.toMillis(), TimeUnit.MILLISECONDS);
        });
        return p;
    }

    private static Process startPiped(ExecSpec spec, boolean stdin) throws IOException {
        ProcessBuilder pb = spec.processBuilder();
        if (!stdin) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    /** {cols, rows} of a PTY request, 80x24 where not given. */
    private static int[] ptySize(JsonNode pty) {
        JsonNode size = ProtoJson.field(pty, "size");
        int cols = (int) ProtoJson.number(size, "cols", null);
        int rows = (int) ProtoJson.number(size, "rows", null);
        return new int[]{cols > 0 ? cols : 80, rows > 0 ? rows : 24};
    }

    private static Process startPty(ExecSpec spec, JsonNode pty) throws IOException {
        int[] size = ptySize(pty);
        Map<String, String> env = new HashMap<>(spec.environment());
        env.putIfAbsent("TERM", "xterm-256color");
        return new PtyProcessBuilder(spec.argv().toArray(String[]::new))
                .setEnvironment(env)
                .setDirectory(spec.directory().toString())
                .setInitialColumns(size[0])
                .setInitialRows(size[1])
                .setConsole(false)
                .start();
    }

    /** The process a ProcessSelector names ({@code pid} or {@code tag}); finished ones only when {@code ended}. */
    EnvdProcess select(JsonNode selector, boolean ended) {
        if (ProtoJson.has(selector, "pid", null)) {
            long pid = ProtoJson.number(selector, "pid", null);
            EnvdProcess p = byPid.get(pid);
            if (p == null || (!ended && !p.running())) throw ConnectError.notFound("process with pid " + pid + " not found");
            return p;
        }
        if (ProtoJson.has(selector, "tag", null)) {
            String tag = ProtoJson.string(selector, "tag");
            EnvdProcess found = null;
            for (EnvdProcess p : byPid.values()) {
                if (!tag.equals(p.tag())) continue;
                if (p.running()) return p;
                if (ended && found == null) found = p;
            }
            if (found != null) return found;
            throw ConnectError.notFound("process with tag '" + tag + "' not found");
        }
        throw ConnectError.invalidArgument("the process selector needs a pid or a tag");
    }

    List<EnvdProcess> running() {
        return byPid.values().stream().filter(EnvdProcess::running).toList();
    }

    /** Kills everything still running (the sandbox is going away). */
    void killAll() {
        for (EnvdProcess p : byPid.values()) if (p.running()) p.signal(EnvdProcess.SIGKILL);
    }
}
