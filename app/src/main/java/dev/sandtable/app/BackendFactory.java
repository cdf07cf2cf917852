package dev.sandtable.app;

import dev.sandtable.model.Names;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.synthetic.SyntheticBackend;

import java.util.List;
import java.util.Locale;

/**
 * Chooses the window's backends from {@code -Dsandtable.backend}:
 * <ul>
 *   <li>{@code synthetic}: an in-memory backend with some sandboxes, a pool and snapshots (demos, screenshots)</li>
 *   <li>unset or {@code service}: the Sandtable service for this user (started when it is not running)</li>
 * </ul>
 */
public final class BackendFactory {
    private BackendFactory() {
    }

    public static List<Backend> fromSystemProperties() {
        String which = System.getProperty("sandtable.backend", "service").toLowerCase(Locale.ROOT);
        return switch (which) {
            case "synthetic" -> List.of(demoSynthetic(Integer.getInteger("sandtable.synthetic.count", 0)));
            // TODO(lead): production wiring, one line, once branch `service` is merged:
            //   case "service" -> List.of(dev.sandtable.service.ServiceConnector.connectOrStart(dev.sandtable.local.RuntimePaths.fromEnvironment()));
            default -> {
                System.err.println("sandtable: backend '" + which + "' is not wired in yet; showing the synthetic demo backend."
                        + " Use -Dsandtable.backend=synthetic to choose it explicitly.");
                yield List.of(demoSynthetic(0));
            }
        };
    }

    /** A synthetic backend with a small, readable demo inventory, plus {@code extra} generated sandboxes. */
    public static SyntheticBackend demoSynthetic(int extra) {
        SyntheticBackend b = new SyntheticBackend("local", "Local (synthetic)", java.time.Clock.systemUTC());
        for (String n : List.of("web-1", "web-2", "api-gateway", "worker-a", "worker-b", "notebook")) {
            if (Names.isValid(n)) b.create(CreateSandboxRequest.fromTemplate(n, SyntheticBackend.TEMPLATE)).join();
        }
        b.pause("worker-b").join();
        b.pause("notebook").join();
        b.snapshot("web-1", "web-1-base").join();
        b.restore("web-1-base", "web-1-fork").join();
        b.snapshot("web-1-fork", "web-1-fork-tuned").join();
        b.createPool(new PoolSpec("agents", SyntheticBackend.TEMPLATE, 3, 8)).join();
        b.claim("agents").join();
        if (extra > 0) b.populate(extra);
        return b;
    }
}
