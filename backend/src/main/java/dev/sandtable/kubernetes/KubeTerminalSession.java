package dev.sandtable.kubernetes;

import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import dev.sandtable.spi.TerminalRequest;
import dev.sandtable.spi.TerminalSession;
import dev.sandtable.spi.TerminalStateRelay;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A terminal in a pod: {@code exec} with a TTY (stdin, stdout; stderr goes to the TTY), resized through the exec's
 * resize channel. An exec cannot be reattached, so a dropped stream ends the session.
 */
final class KubeTerminalSession implements TerminalSession {
    private static final AtomicInteger IDS = new AtomicInteger();
    /** The login shell: bash when the image has it, else sh. */
    static final String SHELL = "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi";

    private final String id;
    private final ExecWatch watch;
    private final OutputStream input;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("sandtable-kube-tty-in").factory());
    private final TerminalStateRelay states = new TerminalStateRelay();

    private KubeTerminalSession(String id, ExecWatch watch) {
        this.id = id;
        this.watch = watch;
        this.input = watch.getInput();
        watch.exitCode().whenComplete((code, t) -> states.end(code == null ? -1 : code));
    }

    static KubeTerminalSession open(KubernetesClient client, String namespace, KubernetesBackend.PodRef pod, TerminalRequest request,
                                    ExecutorService io) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        var p = client.pods().inNamespace(namespace).withName(pod.pod());
        var c = pod.container() == null ? p : p.inContainer(pod.container());
        KubeTerminalSession[] self = {null};
        ExecWatch w = c.redirectingInput().redirectingOutput().withTTY().usingListener(new ExecListener() {
            @Override
            public void onOpen() {
                opened.complete(null);
            }

            @Override
            public void onFailure(Throwable t, Response failureResponse) {
                opened.completeExceptionally(t);
                if (self[0] != null) self[0].states.end(-1);
            }

            @Override
            public void onClose(int code, String reason) {
                opened.complete(null);
                if (self[0] != null) self[0].states.end(-1);
            }
        }).exec(command(request).toArray(String[]::new));
        try {
            opened.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            w.close();
            throw new SandtableException(ErrorCode.UNAVAILABLE, "the exec into pod " + pod.pod() + " did not open within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            w.close();
            throw new SandtableException(ErrorCode.UNAVAILABLE, "interrupted while opening a terminal");
        } catch (java.util.concurrent.ExecutionException e) {
            w.close();
            throw SandtableException.of(e.getCause());
        }
        KubeTerminalSession s = new KubeTerminalSession("exec:" + pod.pod() + ":" + IDS.incrementAndGet(), w);
        self[0] = s;
        w.resize(request.columns(), request.rows());
        return s;
    }

    /** env TERM=… [cd DIR &&] PROGRAM: what runs in the pod. */
    static List<String> command(TerminalRequest request) {
        List<String> cmd = new ArrayList<>();
        cmd.add("env");
        cmd.add("TERM=" + request.env().getOrDefault("TERM", "xterm-256color"));
        for (Map.Entry<String, String> e : request.env().entrySet()) if (!e.getKey().equals("TERM")) cmd.add(e.getKey() + "=" + e.getValue());
        List<String> program = request.command().isEmpty() ? List.of("sh", "-c", SHELL) : request.command();
        if (request.cwd() != null) {
            cmd.addAll(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", request.cwd()));
        }
        cmd.addAll(program);
        return cmd;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InputStream output() {
        return watch.getOutput();
    }

    @Override
    public CompletableFuture<Void> write(byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                input.write(bytes);
                input.flush();
            } catch (IOException e) {
                throw new SandtableException(ErrorCode.UNAVAILABLE, "the terminal's stream is closed", e);
            }
        }, writer);
    }

    @Override
    public CompletableFuture<Void> resize(int columns, int rows) {
        return CompletableFuture.runAsync(() -> watch.resize(columns, rows), writer);
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return states.exit();
    }

    @Override
    public void onState(Consumer<TerminalState> listener) {
        states.listen(listener);
    }

    @Override
    public void close() {
        watch.close();
        writer.shutdown();
        states.end(-1);
    }
}
