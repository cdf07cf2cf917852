package dev.sandtable.app.devices;

import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.AttachRequest;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.BenchRequest;
import dev.sandtable.helper.BenchResult;
import dev.sandtable.helper.DeviceBackend;
import dev.sandtable.helper.HelperCapabilities;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A scripted helper for the view-model tests: answers like the real one, or fails the next call of an operation. */
final class FakeHelper implements HelperSession.Connector {
    HelperCapabilities caps = caps(false);
    final List<AttachedDevice> devices = new ArrayList<>();
    final List<AttachRequest> attaches = new ArrayList<>();
    final List<BenchRequest> benches = new ArrayList<>();
    final AtomicInteger connects = new AtomicInteger(), closes = new AtomicInteger(), lists = new AtomicInteger();
    volatile SandtableException connectError, attachError, listError, benchError;
    private int nextId = 1;

    static HelperCapabilities caps(boolean ublk) {
        return new HelperCapabilities(1, "sandtable-helper 0.1.0", "6.1.0-test", true, false, ublk, true, true, true, 0,
                List.of("/var/lib/sandtable/images"));
    }

    static BenchResult result() {
        return new BenchResult(100_000, 409_600_000, Duration.ofSeconds(2), 4096, 32, us(20), us(60), us(50), us(90), us(200),
                us(900), us(4000));
    }

    private static Duration us(long n) {
        return Duration.ofNanos(n * 1000);
    }

    @Override
    public CompletableFuture<HelperSession> connect(Path socket) {
        connects.incrementAndGet();
        if (connectError != null) return CompletableFuture.failedFuture(connectError);
        return CompletableFuture.completedFuture(new Session());
    }

    private final class Session implements HelperSession {
        @Override
        public CompletableFuture<HelperCapabilities> capabilities() {
            return CompletableFuture.completedFuture(caps);
        }

        @Override
        public synchronized CompletableFuture<List<AttachedDevice>> list() {
            lists.incrementAndGet();
            if (listError != null) return CompletableFuture.failedFuture(listError);
            synchronized (FakeHelper.this) {
                return CompletableFuture.completedFuture(List.copyOf(devices));
            }
        }

        @Override
        public CompletableFuture<AttachedDevice> attach(AttachRequest r) {
            synchronized (FakeHelper.this) {
                attaches.add(r);
                if (attachError != null) {
                    SandtableException e = attachError;
                    attachError = null;
                    return CompletableFuture.failedFuture(e);
                }
                int id = nextId++;
                AttachedDevice d = new AttachedDevice(id, "/dev/loop" + (id + 6), r.backend() == DeviceBackend.AUTO ? DeviceBackend.LOOP : r.backend(),
                        r.mode(), r.directIo(), 1 << 20, 0, r.image().toString(), Duration.ofMillis(3), "attached");
                devices.add(d);
                return CompletableFuture.completedFuture(d);
            }
        }

        @Override
        public CompletableFuture<AttachedDevice> detach(int id) {
            synchronized (FakeHelper.this) {
                AttachedDevice d = devices.stream().filter(x -> x.id() == id).findFirst().orElse(null);
                if (d == null) return CompletableFuture.failedFuture(new SandtableException(ErrorCode.NOT_FOUND, "native helper: no device " + id));
                devices.remove(d);
                return CompletableFuture.completedFuture(new AttachedDevice(d.id(), d.devicePath(), d.backend(), d.mode(), d.directIo(),
                        d.sizeBytes(), d.ownerUid(), d.image(), d.readyTime(), "detached"));
            }
        }

        @Override
        public CompletableFuture<BenchResult> bench(BenchRequest r) {
            synchronized (FakeHelper.this) {
                benches.add(r);
            }
            if (benchError != null) return CompletableFuture.failedFuture(benchError);
            return CompletableFuture.completedFuture(result());
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    static AttachMode ro() {
        return AttachMode.READ_ONLY;
    }
}
