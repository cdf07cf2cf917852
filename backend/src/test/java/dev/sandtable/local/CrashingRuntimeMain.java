package dev.sandtable.local;

import dev.sandtable.spi.CreateSandboxRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a LocalRuntime in a separate JVM for the crash tests, which kill this JVM with SIGKILL at a chosen moment.
 * <ul>
 *   <li>{@code sandboxes <root>}: starts two unconfined sandboxes (one paused), prints their pids, waits forever</li>
 *   <li>{@code bwrap-sandbox <root>}: starts one bubblewrap sandbox, prints its pids and cgroup, waits forever</li>
 *   <li>{@code snapshot <root>}: fills a sandbox with many files and snapshots it slowly (1 ms per chunk)</li>
 * </ul>
 */
public final class CrashingRuntimeMain {
    private CrashingRuntimeMain() {
    }

    public static void main(String[] args) throws Exception {
        RuntimePaths paths = RuntimePaths.under(Path.of(args[1]));
        switch (args[0]) {
            case "sandboxes" -> {
                LocalRuntime rt = new LocalRuntime(paths, LocalTesting.NONE_SIGNALS);
                rt.create(CreateSandboxRequest.fromTemplate("one", null)).join();
                rt.create(CreateSandboxRequest.fromTemplate("two", null)).join();
                rt.pause("two").join();
                SandboxProcessInfo one = rt.processInfo("one");
                SandboxProcessInfo two = rt.processInfo("two");
                System.out.println("READY " + one.mainPid() + " " + one.mainStartTime() + " " + two.mainPid() + " " + two.mainStartTime());
                System.out.flush();
                Thread.sleep(Duration.ofMinutes(5));
            }
            case "bwrap-sandbox" -> {
                LocalRuntime rt = new LocalRuntime(paths, LocalTesting.FAST.withIsolation(IsolationMode.BUBBLEWRAP));
                rt.create(CreateSandboxRequest.fromTemplate("boxed", null)).join();
                SandboxProcessInfo p = rt.processInfo("boxed");
                System.out.println("READY " + p.mainPid() + " " + p.mainStartTime() + " " + p.initPid() + " "
                        + (p.cgroupDir() == null ? "-" : p.cgroupDir()));
                System.out.flush();
                Thread.sleep(Duration.ofMinutes(5));
            }
            case "snapshot" -> {
                LocalRuntimeOptions slow = LocalTesting.NONE_SIGNALS.withSnapshotWriteHook((file, soFar, chunk) -> {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                LocalRuntime rt = new LocalRuntime(paths, slow);
                rt.create(CreateSandboxRequest.fromTemplate("big", null)).join();
                Path ws = rt.workspace("big");
                byte[] block = new byte[8192];
                for (int d = 0; d < 20; d++) {
                    Path dir = Files.createDirectories(ws.resolve("dir-" + d));
                    for (int f = 0; f < 100; f++) Files.write(dir.resolve("file-" + f), block);
                }
                System.out.println("SNAPSHOTTING");
                System.out.flush();
                rt.snapshot("big", "never-listed").join();
                System.out.println("DONE");
                System.out.flush();
                Thread.sleep(Duration.ofMinutes(5));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
