package dev.sandtable.app.latency;

import dev.sandtable.app.ConnectingBackend;
import dev.sandtable.e2b.E2bBackend;
import dev.sandtable.e2b.E2bConfig;
import dev.sandtable.e2b.server.E2bServer;
import dev.sandtable.latency.ProbeTarget;
import dev.sandtable.opensandbox.OpenSandboxBackend;
import dev.sandtable.service.ServiceClient;
import dev.sandtable.service.ServiceInfo;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.Operation;

import java.net.URI;

/**
 * Where a backend's sandboxes are probed: the E2B endpoint a backend reaches its envd through, or for an OpenSandbox
 * server its sandboxes' execd (the server gives each one's address and token). The per-user service serves E2B's
 * control plane and envd on its own address with its key (as its terminals and watches use them); an E2B-compatible
 * backend has its configuration; the local runtime inside this process and the synthetic backend serve no envd.
 */
public final class LabEndpoints {
    private LabEndpoints() {
    }

    /** The backend's own endpoint and why there is none (exactly one of the two is null). */
    public record Resolved(ProbeTarget target, String whyNot) {
        /** The envd endpoint's configuration; null for execd or none. */
        public E2bConfig config() {
            return target instanceof ProbeTarget.Envd e ? e.config() : null;
        }

        static Resolved envd(E2bConfig c) {
            return new Resolved(ProbeTarget.envd(LatencyViewModel.OWN, c), null);
        }
    }

    public static Resolved of(Backend backend) {
        return switch (backend) {
            case E2bBackend e -> Resolved.envd(e.config());
            case OpenSandboxBackend o -> new Resolved(new ProbeTarget.Execd(LatencyViewModel.OWN, o.config(), null, null, null,
                    ProbeTarget.Execd.DEFAULT_WATCH_INTERVAL), null);
            case ServiceClient c -> {
                if (!c.capabilities().supports(Operation.TERMINAL))
                    yield new Resolved(null, c.info().displayName() + " serves no envd: " + c.capabilities().whyNot(Operation.TERMINAL).orElse(""));
                ServiceInfo ep = c.endpoint();
                URI url = URI.create(ep.url());
                yield Resolved.envd(new E2bConfig(url, ep.apiKey(), E2bServer.DOMAIN, E2bConfig.Routing.SANDBOX_URL, url, null, null));
            }
            case ConnectingBackend cb -> {
                var t = cb.target();
                if (!t.isDone()) yield new Resolved(null, cb.info().displayName() + " is still connecting");
                if (t.isCompletedExceptionally()) yield new Resolved(null, cb.info().displayName() + " is not connected");
                yield of(t.join());
            }
            default -> new Resolved(null, backend.info().displayName()
                    + " has no E2B endpoint to probe (the latency lab measures envd's and execd's streams; use the Sandtable service, an E2B or an OpenSandbox backend)");
        };
    }
}
