package dev.sandtable.kubernetes;

import dev.sandtable.model.LatencySummary;
import dev.sandtable.model.Names;
import dev.sandtable.model.Pool;
import dev.sandtable.model.Sandbox;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.Backend;
import dev.sandtable.spi.BackendEvent;
import dev.sandtable.spi.BackendInfo;
import dev.sandtable.spi.BackendKind;
import dev.sandtable.spi.Capabilities;
import dev.sandtable.spi.Claim;
import dev.sandtable.spi.ConnectionState;
import dev.sandtable.spi.CreateSandboxRequest;
import dev.sandtable.spi.DirectoryWatch;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.Operation;
import dev.sandtable.spi.PoolSpec;
import dev.sandtable.spi.ReleaseMode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.Subscription;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.WatchListener;
import dev.sandtable.spi.WatchRequest;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.HdrHistogram.Histogram;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One kubeconfig context and namespace as a Sandtable backend. Pods (those the label selector picks) are sandboxes;
 * when discovery finds kubernetes-sigs/agent-sandbox, Sandbox objects are sandboxes too (their own pods are not
 * listed twice), SandboxTemplates are templates and SandboxWarmPools are pools, with SandboxClaims linking claimed
 * sandboxes to their pools. Every list comes from fabric8 SharedIndexInformers: one list per kind, then a watch;
 * fabric8 relists by itself after a watch error or 410 Gone, and this backend then resends the whole view.
 */
public final class KubernetesBackend implements Backend {

    /**
     * @param healthInterval how often the informers' watches are checked
     * @param unwatchedGrace how long a watch may be down (a normal reconnect) before the view says "reconnecting"
     * @param claimTimeout   how long a claim waits for the controller to give it a ready sandbox
     * @param maxRetryDelay  the longest wait between attempts to reach a cluster that cannot be reached
     */
    public record Options(Duration healthInterval, Duration unwatchedGrace, Duration claimTimeout, Duration maxRetryDelay) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMinutes(2), Duration.ofSeconds(30));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long an operation waits for a context that is still connecting. */
    static final Duration CONNECT_WAIT = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String context;
    private volatile String namespace;
    private final String podSelector;
    private final String server;
    private final Options options;
    private final Clock clock;
    private volatile BackendInfo info;
    private final KubeCaches caches;
    private final KubeLiveView view;
    private final ScheduledExecutorService timer;
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Histogram> claimLatencies = new ConcurrentHashMap<>();
    private final Map<String, ClaimWait> claimWaits = new ConcurrentHashMap<>();
    private volatile Discovery.Result discovered;
    private volatile boolean closed;
    private volatile int attempt;
    private volatile ScheduledFuture<?> retry;
    private volatile long unwatchedSince;
    private volatile String lastWatchError;
    /** Completes once the informers first synced: operations wait for it (names resolve through the caches). */
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
    /** Completes when an attempt to connect fails: operations then fail at once instead of waiting. */
    private volatile CompletableFuture<Void> attemptFailed = new CompletableFuture<>();
    /** Bumped by every (re)connect: completions of an earlier attempt's informers are ignored. */
    private volatile int generation;

    private record ClaimWait(String pool, long startNanos, CompletableFuture<Claim> result) {
    }

    /**
     * A backend on a client already made (tests, or a caller with its own configuration). The backend owns the
     * client and closes it. It starts connecting at once, on its own threads.
     */
    public KubernetesBackend(KubernetesClient client, KubeTarget target, Options options, Clock clock) {
        this.client = client;
        Config cfg = client.getConfiguration();
        this.context = target.context() != null ? target.context()
                : cfg.getCurrentContext() != null ? cfg.getCurrentContext().getName() : "default";
        this.namespace = target.namespace() != null ? target.namespace()
                : client.getNamespace() != null ? client.getNamespace() : "default";
        this.podSelector = target.podSelector();
        this.server = client.getMasterUrl() == null ? "?" : client.getMasterUrl().toString();
        this.options = options;
        this.clock = clock;
        this.info = info(context, namespace, server);
        this.caches = new KubeCaches(namespace, this::claimLatency);
        this.view = new KubeLiveView(caches, clock, "sandtable-kube-" + context);
        this.view.onChange(this::checkClaims);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("sandtable-kube-timer-" + context).unstarted(r));
        timer.execute(() -> connect(false));
        timer.scheduleWithFixedDelay(this::checkHealth, options.healthInterval().toMillis(), options.healthInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The backend for a kubeconfig context (KUBECONFIG, else ~/.kube/config), the real cluster's code path.
     * Fails with NOT_FOUND when the context is not in the kubeconfig.
     */
    public static KubernetesBackend forContext(KubeTarget target) {
        return forContext(target, Options.defaults());
    }

    public static KubernetesBackend forContext(KubeTarget target, Options options) {
        List<KubeContexts.KubeContext> contexts = KubeContexts.list();
        if (contexts.isEmpty())
            throw new SandtableException(ErrorCode.NOT_FOUND, "no kubeconfig found (KUBECONFIG, or ~/.kube/config): Kubernetes needs one");
        KubeContexts.KubeContext chosen = target.context() == null
                ? contexts.stream().filter(KubeContexts.KubeContext::current).findFirst().orElse(contexts.getFirst())
                : contexts.stream().filter(c -> c.name().equals(target.context())).findFirst().orElseThrow(() ->
                new SandtableException(ErrorCode.NOT_FOUND, "no context named '" + target.context() + "' in the kubeconfig; it has "
                        + String.join(", ", contexts.stream().map(KubeContexts.KubeContext::name).toList())));
        Config config = Config.autoConfigure(chosen.name());
        String ns = target.namespace() != null ? target.namespace() : chosen.namespace();
        config.setNamespace(ns);
        config.setConnectionTimeout(5_000);
        config.setRequestTimeout(15_000);
        config.setRequestRetryBackoffLimit(1);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new KubernetesBackend(client, new KubeTarget(chosen.name(), ns, target.podSelector()), options, Clock.systemUTC());
    }

    public String context() {
        return context;
    }

    public String namespace() {
        return namespace;
    }

    /** The id is the context's alone, so a namespace change keeps the backend's place and rows are replaced by a Synced. */
    static BackendInfo info(String context, String namespace, String server) {
        return new BackendInfo("kubernetes:" + context, context + " · " + namespace, BackendKind.KUBERNETES,
                server + " (namespace " + namespace + ")");
    }

    /**
     * Shows another namespace of the same context: the informers are rebuilt there and the live view sends a new
     * {@code Synced}. Completes once the new namespace's caches are filled.
     */
    public CompletableFuture<Void> useNamespace(String ns) {
        String problem = Names.problem("namespace", ns);
        if (problem != null) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, problem));
        if (ns.equals(namespace)) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> done = new CompletableFuture<>();
        timer.execute(() -> {
            namespace = ns;
            info = info(context, ns, server);
            caches.namespace(ns);
            connect(true);
            view.onceLive(() -> done.complete(null));
        });
        return done;
    }

    /** What discovery found, or null before the first successful connect. */
    public Discovery.Result discovered() {
        return discovered;
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Capabilities capabilities() {
        Capabilities c = Capabilities.all();
        String snaps = "Kubernetes sandboxes have no snapshots in Sandtable (agent-sandbox keeps only volumes, on suspend; "
                + "OpenSandbox SandboxSnapshots are taken and restored through the OpenSandbox server)";
        c = c.without(Operation.SNAPSHOT, snaps).without(Operation.RESTORE, snaps)
                .without(Operation.TEMPLATE_CREATE, "SandboxTemplates are written as YAML and applied with kubectl")
                .without(Operation.TEMPLATE_DELETE, "delete SandboxTemplates with kubectl");
        Discovery.Result d = discovered;
        String why = d == null ? "not connected to context '" + context + "' yet"
                : "the agent-sandbox CRDs (agents.x-k8s.io) are not installed on the cluster of context '" + context + "'";
        if (d == null || !d.has(AgentKind.SANDBOX) || !d.has(AgentKind.TEMPLATE)) c = c.without(Operation.CREATE, why);
        if (d == null || !d.has(AgentKind.SANDBOX)) c = c.without(Operation.PAUSE, why).without(Operation.RESUME, why);
        if (d == null || !d.has(AgentKind.SANDBOX_SNAPSHOT)) c = c.without(Operation.DELETE_SNAPSHOT, snaps);
        if (d == null || !d.has(AgentKind.WARM_POOL)) c = c.without(Operation.POOL_CREATE, why);
        if (d == null || !d.has(AgentKind.WARM_POOL) && !d.has(AgentKind.OPENSANDBOX_POOL))
            c = c.without(Operation.POOL_RESIZE, why).without(Operation.POOL_DELETE, why);
        if (d == null || !d.has(AgentKind.CLAIM)) c = c.without(Operation.POOL_CLAIM, why).without(Operation.POOL_RELEASE, why);
        else if (firstSync.isDone() && (!caches.has(AgentKind.CLAIM) || !caches.has(AgentKind.SANDBOX)))
            c = c.without(Operation.POOL_CLAIM, "a claim is followed through SandboxClaims and Sandboxes, and namespace '" + namespace
                    + "' of context '" + context + "' does not let Sandtable list both");
        return c;
    }

    // ---- connection

    /**
     * Discovers the APIs and starts fresh informers (each lists once, then watches); on failure says why and tries
     * again later. A reconnect after a lost watch goes through here too, so it always relists.
     */
    private void connect(boolean reconnecting) {
        if (closed) return;
        int gen = ++generation;
        if (attemptFailed.isDone()) attemptFailed = new CompletableFuture<>();
        caches.closeAll();
        ConnectionState interim = reconnecting ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING;
        Discovery.Result d;
        try {
            d = Discovery.discover(client);
        } catch (RuntimeException e) {
            SandtableException se = KubeErrors.of(e, "discovering its APIs", context, namespace, server);
            view.connection(ConnectionState.DISCONNECTED, se.getMessage(), false);
            attemptFailed.complete(null);
            scheduleRetry();
            return;
        }
        discovered = d;
        attempt = 0;
        unwatchedSince = 0;
        List<String> problems = new ArrayList<>(d.problems());
        List<CompletableFuture<String>> starts = new ArrayList<>();
        var pods = podSelector == null ? client.pods().inNamespace(namespace) : client.pods().inNamespace(namespace).withLabelSelector(podSelector);
        SharedIndexInformer<Pod> podInformer = pods.runnableInformer(0);
        caches.pods(podInformer);
        starts.add(start(gen, podInformer, null, "listing pods", interim));
        for (Map.Entry<AgentKind, String> e : d.versions().entrySet()) {
            AgentKind k = e.getKey();
            SharedIndexInformer<GenericKubernetesResource> i = resources(k).inNamespace(namespace).runnableInformer(0);
            caches.agent(k, i);
            starts.add(start(gen, i, k, "listing " + k.resourceName(), interim));
        }
        view.connection(interim, "listing pods" + (d.anyAgentSandbox() ? " and agent-sandbox resources" : "")
                + (d.anyOpenSandbox() ? " and OpenSandbox resources" : ""), false);
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            if (closed || gen != generation) return;
            for (CompletableFuture<String> f : starts) {
                String p = f.join();
                if (p != null) problems.add(p);
            }
            firstSync.complete(null);
            view.connection(ConnectionState.CONNECTED, problems.isEmpty() ? null : String.join("; ", problems), true);
        });
    }

    /** Starts an informer; completes with null once its cache is filled, or with the problem that stopped it. */
    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> CompletableFuture<String> start(int gen, SharedIndexInformer<T> informer,
                                                                                              AgentKind kind, String doing, ConnectionState interim) {
        informer.addEventHandler(view.handler(kind));
        informer.exceptionHandler((started, t) -> {
            SandtableException se = KubeErrors.of(t, started ? "watching " + what(kind) : doing, context, namespace, server);
            lastWatchError = se.getMessage();
            int code = KubeErrors.status(t);
            if (!started && (code == 401 || code == 403 || code == 404)) return false;
            if (!started && gen == generation) view.connection(interim, se.getMessage(), false);
            return true;
        });
        return informer.start().toCompletableFuture().handle((v, t) -> {
            if (t == null || gen != generation) return null;
            if (kind == null) caches.pods(null);
            else caches.agent(kind, null);
            return KubeErrors.of(t, doing, context, namespace, server).getMessage() + "; " + what(kind) + " not shown";
        });
    }

    private static String what(AgentKind kind) {
        return kind == null ? "pods" : kind.resourceName();
    }

    private void scheduleRetry() {
        if (closed) return;
        long delay = Math.min(options.maxRetryDelay().toMillis(), 1000L << Math.min(attempt++, 5));
        retry = timer.schedule(() -> connect(true), delay, TimeUnit.MILLISECONDS);
    }

    /** Tries to reach the cluster again now (the window's Retry). */
    @Override
    public void reconnect() {
        ScheduledFuture<?> r = retry;
        if (r != null) r.cancel(false);
        attempt = 0;
        timer.execute(() -> {
            if (view.state() != ConnectionState.CONNECTED) connect(true);
        });
    }

    /**
     * A watch that stays down longer than a normal reconnect means the cluster was lost (or the watch broke): the
     * view says "reconnecting" and every informer is rebuilt, so the tables come back from a fresh list.
     */
    private void checkHealth() {
        if (closed || view.state() != ConnectionState.CONNECTED) return;
        boolean allWatching = caches.all().stream().allMatch(SharedIndexInformer::isWatching);
        long now = System.nanoTime();
        if (allWatching) {
            unwatchedSince = 0;
            return;
        }
        if (unwatchedSince == 0) unwatchedSince = now;
        if (now - unwatchedSince > options.unwatchedGrace().toNanos()) {
            String why = lastWatchError == null ? "the watch on the cluster of context '" + context + "' dropped" : lastWatchError;
            view.connection(ConnectionState.RECONNECTING, why, false);
            connect(true);
        }
    }

    // ---- live view

    @Override
    public Subscription watch(Consumer<BackendEvent> listener) {
        return view.subscribe(listener);
    }

    // ---- operations

    private MixedOperation<GenericKubernetesResource, io.fabric8.kubernetes.api.model.GenericKubernetesResourceList, Resource<GenericKubernetesResource>> resources(AgentKind k) {
        Discovery.Result d = discovered;
        String v = d == null ? null : d.versions().get(k);
        if (v == null) throw new SandtableException(ErrorCode.UNSUPPORTED, "the cluster of context '" + context + "' does not serve "
                + k.resourceName() + " (the agent-sandbox CRDs are not installed)");
        return client.genericKubernetesResources(k.context(v));
    }

    private String version(AgentKind k) {
        return discovered.versions().get(k);
    }

    private Resource<GenericKubernetesResource> agent(AgentKind k, String name) {
        return resources(k).inNamespace(namespace).withName(name);
    }

    /**
     * Runs {@code work} on a virtual thread once the context's caches are filled (names are resolved through them),
     * waiting at most {@link #CONNECT_WAIT} for that, and not at all once an attempt to connect has failed;
     * failures become user sentences.
     */
    private <T> CompletableFuture<T> async(String doing, Supplier<T> work) {
        if (closed) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNAVAILABLE, info.displayName() + " is closed"));
        CompletableFuture<Object> ready = firstSync.isDone() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.anyOf(firstSync, attemptFailed).orTimeout(CONNECT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return ready.handle((v, t) -> {
            if (!firstSync.isDone()) {
                String why = view.message();
                throw new SandtableException(ErrorCode.UNAVAILABLE, "not connected to context '" + context + "'"
                        + (t != null ? " after " + CONNECT_WAIT.toSeconds() + " s" : "") + (why == null ? "" : ": " + why));
            }
            return v;
        }).thenApplyAsync(v -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                throw KubeErrors.of(e, doing, context, namespace, server);
            }
        }, io);
    }

    /** A sandbox argument: "pod/NAME" is a pod; a plain name is a Sandbox object, else a pod of that name. */
    record Target(boolean pod, String name) {
    }

    private boolean discoveredHas(AgentKind k) {
        Discovery.Result d = discovered;
        return d != null && d.has(k);
    }

    Target target(String ref) {
        if (ref == null || ref.isBlank()) throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "name a sandbox");
        if (ref.startsWith(OpenSandboxCrds.BATCH_PREFIX))
            throw new SandtableException(ErrorCode.UNSUPPORTED, "OpenSandbox BatchSandboxes are shown read-only here (only delete works); "
                    + "pause, resume and exec them through the OpenSandbox server");
        if (ref.startsWith(KubeMapping.POD_PREFIX)) return new Target(true, ref.substring(KubeMapping.POD_PREFIX.length()));
        if (caches.has(AgentKind.SANDBOX) && caches.get(AgentKind.SANDBOX, ref) != null) return new Target(false, ref);
        if (caches.pod(ref) != null) return new Target(true, ref);
        Discovery.Result d = discovered;
        return new Target(d == null || !d.has(AgentKind.SANDBOX), ref);
    }

    @Override
    public CompletableFuture<Sandbox> create(CreateSandboxRequest request) {
        if (request.snapshotId() != null) return CompletableFuture.failedFuture(SandtableException.unsupported(info.displayName(), "snapshots"));
        if (request.name() != null && Names.problem("sandbox", request.name()) != null)
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, Names.problem("sandbox", request.name())));
        return async("creating a Sandbox" + (request.templateId() == null ? "" : " from SandboxTemplate " + request.templateId()), () -> {
            if (!capabilities().supports(Operation.CREATE))
                throw new SandtableException(ErrorCode.UNSUPPORTED, capabilities().whyNot(Operation.CREATE).orElseThrow());
            String template = request.templateId();
            if (template == null) {
                List<GenericKubernetesResource> all = caches.list(AgentKind.TEMPLATE);
                if (all.size() != 1) throw new SandtableException(ErrorCode.INVALID_ARGUMENT,
                        "choose a SandboxTemplate to create from" + (all.isEmpty() ? "; namespace '" + namespace + "' has none" : ""));
                template = all.getFirst().getMetadata().getName();
            }
            GenericKubernetesResource t = caches.get(AgentKind.TEMPLATE, template);
            if (t == null) t = agent(AgentKind.TEMPLATE, template).get();
            if (t == null) throw new SandtableException(ErrorCode.NOT_FOUND, "no SandboxTemplate named '" + template + "' in namespace '" + namespace + "'");
            Map<String, Object> spec = new LinkedHashMap<>();
            for (String key : List.of("podTemplate", "volumeClaimTemplates", "service")) {
                Object v = Fields.get(t, "spec", key);
                if (v != null) spec.put(key, v);
            }
            if (AgentKind.V1ALPHA1.equals(version(AgentKind.SANDBOX))) spec.put("replicas", 1);
            else spec.put("operatingMode", "Running");
            String name = request.name() != null ? request.name() : generated(template);
            GenericKubernetesResource s = new GenericKubernetesResourceBuilder()
                    .withApiVersion(AgentKind.SANDBOX.group() + "/" + version(AgentKind.SANDBOX)).withKind(AgentKind.SANDBOX.kind())
                    .withNewMetadata().withName(name).withNamespace(namespace).withLabels(request.metadata())
                    .addToAnnotations(AgentSandbox.TEMPLATE_REF, template).endMetadata()
                    .addToAdditionalProperties("spec", spec).build();
            GenericKubernetesResource created = resources(AgentKind.SANDBOX).inNamespace(namespace).resource(s).create();
            return KubeMapping.sandbox(AgentSandbox.of(created), null);
        });
    }

    private static String generated(String base) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder(base.length() > 50 ? base.substring(0, 50) : base).append('-');
        for (int i = 0; i < 5; i++) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return b.toString();
    }

    /** Suspends a Sandbox object: the controller deletes its pod and keeps its volumes. */
    @Override
    public CompletableFuture<Sandbox> pause(String sandbox) {
        return operatingMode(sandbox, true);
    }

    @Override
    public CompletableFuture<Sandbox> resume(String sandbox) {
        return operatingMode(sandbox, false);
    }

    private CompletableFuture<Sandbox> operatingMode(String ref, boolean suspend) {
        String verb = suspend ? "suspending" : "resuming";
        return async(verb + " " + ref, () -> {
            Target t = target(ref);
            if (t.pod()) throw new SandtableException(ErrorCode.UNSUPPORTED, "pod " + t.name() + " is a plain pod: only agent-sandbox Sandbox objects can be "
                    + (suspend ? "suspended" : "resumed"));
            boolean alpha = AgentKind.V1ALPHA1.equals(version(AgentKind.SANDBOX));
            GenericKubernetesResource edited = editSpec(AgentKind.SANDBOX, t.name(), spec -> {
                if (alpha) spec.put("replicas", suspend ? 0 : 1);
                else spec.put("operatingMode", suspend ? "Suspended" : "Running");
            });
            return caches.sandboxModel(edited);
        });
    }

    @SuppressWarnings("unchecked")
    private GenericKubernetesResource editSpec(AgentKind k, String name, Consumer<Map<String, Object>> change) {
        Resource<GenericKubernetesResource> r = agent(k, name);
        if (r.get() == null) throw new SandtableException(ErrorCode.NOT_FOUND, "no " + k.kind() + " named '" + name + "' in namespace '" + namespace + "'");
        return r.edit(g -> {
            Object spec = g.getAdditionalProperties().get("spec");
            Map<String, Object> copy = spec instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
            change.accept(copy);
            g.getAdditionalProperties().put("spec", copy);
            return g;
        });
    }

    @Override
    public CompletableFuture<Void> destroy(String sandbox) {
        return async("deleting " + sandbox, () -> {
            if (sandbox != null && sandbox.startsWith(OpenSandboxCrds.BATCH_PREFIX)) {
                String name = sandbox.substring(OpenSandboxCrds.BATCH_PREFIX.length());
                if (!discoveredHas(AgentKind.BATCH_SANDBOX) || agent(AgentKind.BATCH_SANDBOX, name).delete().isEmpty())
                    throw new SandtableException(ErrorCode.NOT_FOUND, "no BatchSandbox named '" + name + "' in namespace '" + namespace + "'");
                return null;
            }
            Target t = target(sandbox);
            boolean gone = t.pod()
                    ? !client.pods().inNamespace(namespace).withName(t.name()).delete().isEmpty()
                    : !agent(AgentKind.SANDBOX, t.name()).delete().isEmpty();
            if (!gone) throw new SandtableException(ErrorCode.NOT_FOUND, "no " + (t.pod() ? "pod" : "Sandbox") + " named '" + t.name()
                    + "' in namespace '" + namespace + "'");
            return null;
        });
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(String sandbox, String snapshotName) {
        return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNSUPPORTED, capabilities().whyNot(Operation.SNAPSHOT).orElseThrow()));
    }

    @Override
    public CompletableFuture<Sandbox> restore(String snapshot, String sandboxName) {
        return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNSUPPORTED, capabilities().whyNot(Operation.RESTORE).orElseThrow()));
    }

    /** Deletes an OpenSandbox SandboxSnapshot (the only snapshots a cluster shows here). */
    @Override
    public CompletableFuture<Void> deleteSnapshot(String snapshot) {
        if (!capabilities().supports(Operation.DELETE_SNAPSHOT))
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.UNSUPPORTED, capabilities().whyNot(Operation.DELETE_SNAPSHOT).orElseThrow()));
        return async("deleting SandboxSnapshot " + snapshot, () -> {
            if (agent(AgentKind.SANDBOX_SNAPSHOT, snapshot).delete().isEmpty())
                throw new SandtableException(ErrorCode.NOT_FOUND, "no SandboxSnapshot named '" + snapshot + "' in namespace '" + namespace + "'");
            return null;
        });
    }

    /** A SandboxWarmPool of {@code minIdle} replicas ({@code maxSize} has no counterpart in agent-sandbox). */
    @Override
    public CompletableFuture<Pool> createPool(PoolSpec spec) {
        String p = Names.problem("pool", spec.name());
        if (p != null) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, p));
        if (spec.templateId() == null || spec.minIdle() < 0)
            return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, "a warm pool needs a SandboxTemplate and at least 0 replicas"));
        return async("creating SandboxWarmPool " + spec.name(), () -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("replicas", spec.minIdle());
            s.put("sandboxTemplateRef", Map.of("name", spec.templateId()));
            GenericKubernetesResource g = new GenericKubernetesResourceBuilder()
                    .withApiVersion(AgentKind.WARM_POOL.group() + "/" + version(AgentKind.WARM_POOL)).withKind(AgentKind.WARM_POOL.kind())
                    .withNewMetadata().withName(spec.name()).withNamespace(namespace).endMetadata()
                    .addToAdditionalProperties("spec", s).build();
            return caches.poolModel(resources(AgentKind.WARM_POOL).inNamespace(namespace).resource(g).create());
        });
    }

    /**
     * A SandboxWarmPool gets {@code spec.replicas = minIdle}: the number of warm, unclaimed sandboxes it keeps. An
     * OpenSandbox Pool gets {@code capacitySpec.bufferMin = minIdle} and {@code poolMax = maxSize}, with
     * {@code bufferMax} raised and {@code poolMin} lowered as far as the two need to stay consistent.
     */
    @Override
    public CompletableFuture<Pool> resizePool(String pool, int minIdle, int maxSize) {
        if (minIdle < 0) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.INVALID_ARGUMENT, "a warm pool cannot have fewer than 0 replicas"));
        return async("resizing pool " + pool, () -> {
            if (!isOpenSandboxPool(pool)) return caches.poolModel(editSpec(AgentKind.WARM_POOL, pool, s -> s.put("replicas", minIdle)));
            if (maxSize < minIdle)
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "an OpenSandbox Pool's poolMax (" + maxSize
                        + ") cannot be below its bufferMin (" + minIdle + ")");
            return OpenSandboxCrds.pool(editSpec(AgentKind.OPENSANDBOX_POOL, pool, s -> s.put("capacitySpec",
                    OpenSandboxCrds.resized(s.get("capacitySpec"), minIdle, maxSize))));
        });
    }

    @Override
    public CompletableFuture<Void> deletePool(String pool) {
        return async("deleting pool " + pool, () -> {
            AgentKind k = isOpenSandboxPool(pool) ? AgentKind.OPENSANDBOX_POOL : AgentKind.WARM_POOL;
            if (agent(k, pool).delete().isEmpty())
                throw new SandtableException(ErrorCode.NOT_FOUND, "no " + k.kind() + " named '" + pool + "' in namespace '" + namespace + "'");
            return null;
        });
    }

    /** An OpenSandbox Pool, and no SandboxWarmPool of that name (which wins, as the table lists it first). */
    private boolean isOpenSandboxPool(String pool) {
        return caches.get(AgentKind.WARM_POOL, pool) == null && caches.get(AgentKind.OPENSANDBOX_POOL, pool) != null;
    }

    /**
     * Creates a SandboxClaim on the pool and completes once the controller has given it a ready Sandbox: warm when it
     * adopted a pool member (launch-type label "warm"), cold when it had to create one.
     */
    @Override
    public CompletableFuture<Claim> claim(String pool) {
        String name = generated(pool);
        CompletableFuture<Claim> result = new CompletableFuture<>();
        long[] start = {0};
        async("claiming from SandboxWarmPool " + pool, () -> {
            if (isOpenSandboxPool(pool))
                throw new SandtableException(ErrorCode.UNSUPPORTED, "'" + pool + "' is an OpenSandbox Pool: its members are taken by "
                        + "BatchSandboxes with poolRef '" + pool + "', which the OpenSandbox server creates (claims here go through SandboxWarmPools)");
            if (!capabilities().supports(Operation.POOL_CLAIM))
                throw new SandtableException(ErrorCode.UNSUPPORTED, capabilities().whyNot(Operation.POOL_CLAIM).orElseThrow());
            GenericKubernetesResource wp = caches.get(AgentKind.WARM_POOL, pool);
            if (wp == null) throw new SandtableException(ErrorCode.NOT_FOUND, "no SandboxWarmPool named '" + pool + "' in namespace '" + namespace + "'");
            Map<String, Object> spec = new LinkedHashMap<>();
            if (AgentKind.V1ALPHA1.equals(version(AgentKind.CLAIM))) {
                spec.put("sandboxTemplateRef", Map.of("name", AgentWarmPool.of(wp).templateRef()));
                spec.put("warmpool", pool);
            } else {
                spec.put("warmPoolRef", Map.of("name", pool));
            }
            GenericKubernetesResource c = new GenericKubernetesResourceBuilder()
                    .withApiVersion(AgentKind.CLAIM.group() + "/" + version(AgentKind.CLAIM)).withKind(AgentKind.CLAIM.kind())
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .addToAdditionalProperties("spec", spec).build();
            start[0] = System.nanoTime();
            claimWaits.put(name, new ClaimWait(pool, start[0], result));
            try {
                return resources(AgentKind.CLAIM).inNamespace(namespace).resource(c).create();
            } catch (RuntimeException e) {
                claimWaits.remove(name);
                throw e;
            }
        }).whenComplete((created, t) -> {
            if (t != null) {
                claimWaits.remove(name);
                result.completeExceptionally(SandtableException.of(t));
                return;
            }
            view.execute(() -> checkClaims(new KubeLiveView.Changed(AgentKind.CLAIM, name)));
            ScheduledFuture<?> timeout = timer.schedule(() -> {
                if (claimWaits.remove(name) != null && result.completeExceptionally(new SandtableException(ErrorCode.UNAVAILABLE,
                        "SandboxClaim " + name + " got no ready Sandbox within " + options.claimTimeout().toSeconds()
                                + " s: is the agent-sandbox controller running? The claim was deleted."))) {
                    io.execute(() -> {
                        try {
                            agent(AgentKind.CLAIM, name).delete();
                        } catch (RuntimeException ignored) {
                            // best effort: it may be gone already
                        }
                    });
                }
            }, options.claimTimeout().toMillis(), TimeUnit.MILLISECONDS);
            result.whenComplete((c, x) -> timeout.cancel(false));
        });
        return result;
    }

    /** On the live view's thread: completes the claims whose sandbox is now ready. */
    private void checkClaims(KubeLiveView.Changed changed) {
        if (claimWaits.isEmpty()) return;
        if (changed.kind() != AgentKind.CLAIM && changed.kind() != AgentKind.SANDBOX) return;
        for (Map.Entry<String, ClaimWait> e : claimWaits.entrySet()) {
            AgentClaim c = caches.claim(e.getKey());
            if (c == null || c.sandbox() == null) continue;
            GenericKubernetesResource g = caches.get(AgentKind.SANDBOX, c.sandbox());
            if (g == null) continue;
            Sandbox s = caches.sandboxModel(g);
            if (s.state() != dev.sandtable.model.SandboxState.RUNNING) continue;
            ClaimWait w = e.getValue();
            if (claimWaits.remove(e.getKey()) == null) continue;
            Duration latency = Duration.ofNanos(System.nanoTime() - w.startNanos());
            claimLatencies.computeIfAbsent(w.pool(), p -> new Histogram(3)).recordValue(Math.max(1, latency.toNanos() / 1000));
            boolean warm = "warm".equals(AgentSandbox.of(g).launchType());
            w.result().complete(new Claim(e.getKey(), w.pool(), s, warm, latency));
            view.refresh(AgentKind.WARM_POOL, w.pool());
        }
    }

    private LatencySummary claimLatency(String pool) {
        Histogram h = claimLatencies.get(pool);
        if (h == null) return LatencySummary.EMPTY;
        synchronized (h) {
            return LatencySummary.of(h);
        }
    }

    /** Deletes the SandboxClaim; its sandbox goes with it (the claim owns it). DEAD also deletes the sandbox itself. */
    @Override
    public CompletableFuture<Void> release(String claimId, ReleaseMode mode) {
        return async("releasing SandboxClaim " + claimId, () -> {
            AgentClaim c = caches.claim(claimId);
            if (agent(AgentKind.CLAIM, claimId).delete().isEmpty())
                throw new SandtableException(ErrorCode.NOT_FOUND, "no SandboxClaim named '" + claimId + "' in namespace '" + namespace + "'");
            if (mode == ReleaseMode.DEAD && c != null && c.sandbox() != null) agent(AgentKind.SANDBOX, c.sandbox()).delete();
            return null;
        });
    }

    // ---- inside a pod

    /** The pod and container a sandbox runs in. */
    record PodRef(String pod, String container) {
    }

    PodRef podOf(String ref) {
        Target t = target(ref);
        String podName = t.name();
        if (!t.pod()) {
            GenericKubernetesResource g = caches.get(AgentKind.SANDBOX, t.name());
            if (g != null) podName = AgentSandbox.of(g).podName();
        }
        Pod p = caches.pod(podName);
        if (p == null) p = client.pods().inNamespace(namespace).withName(podName).get();
        if (p == null) throw new SandtableException(ErrorCode.INVALID_STATE, ref + " has no pod (it may be suspended or still starting)");
        if (p.getStatus() == null || !"Running".equals(p.getStatus().getPhase()))
            throw new SandtableException(ErrorCode.INVALID_STATE, "pod " + podName + " is not running (" + (p.getStatus() == null ? "no status" : p.getStatus().getPhase()) + ")");
        String container = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get("kubectl.kubernetes.io/default-container");
        if (container == null && p.getSpec() != null && p.getSpec().getContainers() != null && !p.getSpec().getContainers().isEmpty())
            container = p.getSpec().getContainers().getFirst().getName();
        return new PodRef(podName, container);
    }

    @Override
    public CompletableFuture<TerminalSession> openTerminal(String sandbox, TerminalRequest request) {
        return async("opening a terminal in " + sandbox, () -> KubeTerminalSession.open(client, namespace, podOf(sandbox), request, io));
    }

    @Override
    public CompletableFuture<DirectoryWatch> watchDir(String sandbox, WatchRequest request, WatchListener listener) {
        return async("watching " + request.path() + " in " + sandbox,
                () -> KubeDirectoryWatch.start(client, namespace, podOf(sandbox), request, listener, timer, io, clock));
    }

    @Override
    public CompletableFuture<String> logs(String sandbox, int maxBytes) {
        return async("reading the logs of " + sandbox, () -> {
            PodRef p = podOf(sandbox);
            var pod = client.pods().inNamespace(namespace).withName(p.pod());
            String log = p.container() == null ? pod.limitBytes(maxBytes).getLog() : pod.inContainer(p.container()).limitBytes(maxBytes).getLog();
            return log == null ? "" : log;
        });
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (ClaimWait w : claimWaits.values()) w.result().completeExceptionally(new SandtableException(ErrorCode.UNAVAILABLE, info.displayName() + " was closed"));
        claimWaits.clear();
        timer.shutdownNow();
        caches.closeAll();
        view.close();
        io.shutdownNow();
        client.close();
    }
}
