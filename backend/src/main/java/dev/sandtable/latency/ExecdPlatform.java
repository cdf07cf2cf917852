package dev.sandtable.latency;

import dev.sandtable.model.Sandbox;
import dev.sandtable.opensandbox.ExecdClient;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenSandbox: the lifecycle server (when given) creates the temporary sandbox and tells execd's address and headers
 * ({@code GET /sandboxes/{id}/endpoints/44772}); a target's own execd URL replaces the address (A/B through a proxy).
 */
final class ExecdPlatform implements LabPlatform {
    private final List<ProbeTarget.Execd> targets;
    private final ProbeSettings settings;
    private final ProbeListener listener;
    private final long t0;
    private final List<OpenSandboxBackend> servers = new ArrayList<>();
    private final List<ExecdSession> sessions = new ArrayList<>();

    ExecdPlatform(List<ProbeTarget.Execd> targets, ProbeSettings settings, ProbeListener listener, long t0) {
        this.targets = targets;
        this.settings = settings;
        this.listener = listener;
        this.t0 = t0;
        for (ProbeTarget.Execd t : targets) servers.add(t.server() == null ? null : new OpenSandboxBackend(t.server()));
    }

    private OpenSandboxBackend firstServer() {
        OpenSandboxBackend b = servers.getFirst();
        if (b == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "a temporary sandbox needs the OpenSandbox server "
                + "(--opensandbox-url); execd's URL alone reaches the one sandbox it runs in");
        return b;
    }

    @Override
    public boolean canCreate() {
        return servers.getFirst() != null;
    }

    /** Absolute: execd's file calls take absolute paths. */
    @Override
    public String scratchDir(String name) {
        return "/tmp/" + name;
    }

    @Override
    public String createTemporary(String template) throws InterruptedException {
        Sandbox sb = LabPlatform.await(firstServer().create(new CreateSandboxRequest("latency-probe", template, null,
                Map.of("sandtable.probe", "true"))), "creating a temporary sandbox at " + targets.getFirst().server().apiUrl(), 60);
        return sb.id();
    }

    @Override
    public void destroy(String id) throws InterruptedException {
        LabPlatform.await(firstServer().destroy(id), "deleting the temporary sandbox " + id, 30);
    }

    @Override
    public Connected connect(int i, String id, boolean temporary, String dir) throws InterruptedException {
        ProbeTarget.Execd t = targets.get(i);
        OpenSandboxBackend server = servers.get(i);
        Map<String, String> headers = new LinkedHashMap<>();
        URI url = t.execdUrl();
        long until = System.nanoTime() + settings.callTimeout().toNanos() + (temporary ? 60_000_000_000L : 0);
        ExecdSession s = null;
        while (s == null) {
            try {
                if (server != null) {
                    if (id == null) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "which sandbox? name it (--sandbox ID)");
                    ExecdClient c = LabPlatform.await(server.execd(id), "looking up the execd of sandbox " + id + " at "
                            + t.server().apiUrl(), settings.callTimeout().toSeconds() + 5);
                    headers.putAll(c.headers());
                    if (url == null) url = URI.create(c.base());
                }
                headers.putAll(t.headers());
                ExecdSession candidate = new ExecdSession(t.label(), url, headers, t.caCert(), settings.callTimeout());
                try {
                    candidate.ping(); // reachable, token accepted
                } catch (SandtableException e) {
                    candidate.close();
                    throw e;
                }
                s = candidate;
            } catch (SandtableException e) {
                // a temporary sandbox's execd answers once the sandbox runs: retry until then
                if (!temporary || e.code() == ErrorCode.INVALID_ARGUMENT || e.code() == ErrorCode.UNAUTHORIZED || System.nanoTime() > until) throw e;
                Thread.sleep(500);
            }
        }
        sessions.add(s);
        if (i == 0) s.run("mkdir -p " + dir);
        String api = t.server() == null ? "" : t.server().apiUrl().toString();
        return new Connected(new ExecdProbes(s, settings, listener, t0, dir, t.watchInterval()),
                new EndpointSummary(t.label(), api, s.base, id, temporary, Protocol.EXECD));
    }

    @Override
    public void removeDir(String dir) {
        if (sessions.isEmpty()) return;
        try {
            sessions.getFirst().run("rm -rf " + dir);
        } catch (SandtableException ignored) {
            // the sandbox may be gone
        }
    }

    @Override
    public void close() {
        sessions.forEach(ExecdSession::close);
        for (OpenSandboxBackend b : servers) if (b != null) b.close();
    }
}
