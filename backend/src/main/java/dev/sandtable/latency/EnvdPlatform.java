package dev.sandtable.latency;

import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.client.ConnectClient;
import dev.sandtable.model.Sandbox;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** E2B-compatible platforms: the control plane through {@link E2bBackend}, envd through Connect RPC. */
final class EnvdPlatform implements LabPlatform {
    private final List<ProbeTarget.Envd> targets;
    private final ProbeSettings settings;
    private final ProbeListener listener;
    private final long t0;
    private final List<E2bBackend> backends = new ArrayList<>();
    private EnvdSession first;

    EnvdPlatform(List<ProbeTarget.Envd> targets, ProbeSettings settings, ProbeListener listener, long t0) {
        this.targets = targets;
        this.settings = settings;
        this.listener = listener;
        this.t0 = t0;
        for (ProbeTarget.Envd t : targets) backends.add(new E2bBackend(t.config()));
    }

    @Override
    public String createTemporary(String template) throws InterruptedException {
        Sandbox sb = LabPlatform.await(backends.getFirst().create(new CreateSandboxRequest("latency-probe", template, null,
                Map.of("sandtable.probe", "true"))), "creating a temporary sandbox at " + targets.getFirst().config().apiUrl(), 60);
        return sb.id();
    }

    @Override
    public void destroy(String id) throws InterruptedException {
        LabPlatform.await(backends.getFirst().destroy(id), "killing the temporary sandbox " + id, 30);
    }

    @Override
    public Connected connect(int i, String id, boolean temporary, String dir) throws InterruptedException {
        ProbeTarget.Envd t = targets.get(i);
        ConnectClient c = LabPlatform.await(backends.get(i).envdClient(id), "looking up sandbox " + id + " at " + t.config().apiUrl(),
                settings.callTimeout().toSeconds() + 5);
        EnvdSession s = new EnvdSession(t.label(), c, t.config().user(), settings.callTimeout());
        s.unary("process.Process/List", EnvdSession.object()); // reachable, token accepted
        if (i == 0) {
            mkdir(s, dir);
            first = s;
        }
        return new Connected(new Probes(s, settings, listener, t0, dir),
                new EndpointSummary(t.label(), t.config().apiUrl().toString(), c.base().toString(), id, temporary));
    }

    private static void mkdir(EnvdSession s, String dir) {
        try {
            s.unary("filesystem.Filesystem/MakeDir", EnvdSession.object().put("path", dir));
        } catch (SandtableException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS) throw e;
        }
    }

    @Override
    public void removeDir(String dir) {
        if (first == null) return;
        try {
            first.unary("filesystem.Filesystem/Remove", EnvdSession.object().put("path", dir));
        } catch (SandtableException ignored) {
            // the sandbox may be gone
        }
    }

    @Override
    public void close() {
        backends.forEach(E2bBackend::close);
    }
}
