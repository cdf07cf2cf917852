package dev.sandtable.local;

import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared helpers for the local runtime's tests. */
final class LocalTesting {
    static final LocalRuntimeOptions NONE_SIGNALS = LocalRuntimeOptions.defaults()
            .withIsolation(IsolationMode.NONE).withFreezer(FreezerMode.SIGNALS).withStopGrace(Duration.ofMillis(500));
    static final LocalRuntimeOptions FAST = LocalRuntimeOptions.defaults().withStopGrace(Duration.ofMillis(500));

    private LocalTesting() {
    }

    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw SandtableException.of(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("operation did not complete: " + e, e);
        }
    }

    static SandtableException failure(CompletableFuture<?> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return SandtableException.of(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("operation did not complete: " + e, e);
        }
        throw new AssertionError("expected the operation to fail, but it succeeded");
    }

    static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int round = 0; !condition.getAsBoolean(); round++) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Sleeps.brief(round);
        }
    }

    record Result(int exitCode, String output) {
    }

    /** Runs {@code script} with /bin/sh inside the sandbox. */
    static Result runInside(LocalRuntime rt, String sandbox, String script) {
        try {
            Process p = rt.execSpec(sandbox, List.of("/bin/sh", "-c", script)).processBuilder().redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("command in sandbox did not finish: " + script);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void assumeBubblewrap() {
        BubblewrapLauncher.Result r = BubblewrapLauncher.detect();
        assumeTrue(r.launcher() != null, () -> "skipped: " + r.whyNot());
    }

    static void assumeFreezer(FreezerMode mode) {
        try {
            Freezers.select(mode);
        } catch (SandtableException e) {
            assumeTrue(false, () -> "skipped: " + e.getMessage());
        }
    }

    static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: needs root (to mount a small tmpfs)");
    }

    static char procState(long pid) {
        return ProcStat.read(pid).map(ProcStat::state).orElse('?');
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
