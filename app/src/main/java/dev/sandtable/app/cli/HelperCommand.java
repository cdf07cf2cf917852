package dev.sandtable.app.cli;

import dev.sandtable.helper.AttachMode;
import dev.sandtable.helper.AttachRequest;
import dev.sandtable.helper.AttachedDevice;
import dev.sandtable.helper.BenchRequest;
import dev.sandtable.helper.BenchResult;
import dev.sandtable.helper.DeviceBackend;
import dev.sandtable.helper.Ext4Image;
import dev.sandtable.helper.HelperCapabilities;
import dev.sandtable.helper.HelperClient;
import dev.sandtable.model.Snapshot;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code sandtable helper caps|attach|detach|ls|bench|export}: the root native-helper's block devices and benchmarks. */
@Command(name = "helper", mixinStandardHelpOptions = true,
        description = {"Attach disk images as block devices and measure IO through the root native-helper.",
                "The helper runs as root (the sandtable-helper systemd socket, or started by hand:",
                "  sudo native-helper/build/sandtable-helper --image-dir DIR); these commands talk to its socket.",
                "Without a subcommand, shows its capabilities."})
final class HelperCommand implements Callable<Integer> {
    @ParentCommand
    SandtableCli root;

    @Option(names = "--socket", paramLabel = "PATH", description = "The helper's socket (default: $SANDTABLE_HELPER_SOCKET, else $XDG_RUNTIME_DIR/sandtable/helper.sock when it exists, else /run/sandtable/helper.sock).")
    Path socket;

    @Override
    public Integer call() {
        return caps();
    }

    private HelperClient client() {
        return HelperClient.connect(socket != null ? socket : HelperClient.defaultSocket());
    }

    @Command(name = "caps", mixinStandardHelpOptions = true, description = "What the helper and this kernel can do.")
    int caps() {
        CliContext ctx = root.ctx;
        try (HelperClient c = client()) {
            HelperCapabilities caps = CliContext.await(c.capabilities());
            if (ctx.json) {
                ctx.printJson(caps);
                return ExitCodes.OK;
            }
            Table t = new Table("CAPABILITY", "VALUE");
            t.row("helper", caps.server() + " (protocol " + caps.protocolVersion() + ")");
            t.row("kernel", caps.kernel());
            t.row("running as root", yes(caps.root()));
            t.row("io_uring", yes(caps.ioUring()) + (caps.uringCmd() ? ", with URING_CMD" : ""));
            t.row("ublk", caps.ublk() ? "yes (features 0x" + Long.toHexString(caps.ublkFeatures()) + ")" : "no (/dev/ublk-control missing)");
            t.row("loop", yes(caps.loop()));
            t.row("openat2", yes(caps.openat2()));
            t.row("attach backend", caps.preferredBackend() == null ? "none" : Formats.lower(caps.preferredBackend()));
            t.row("image directories", caps.imageDirectories().isEmpty() ? "none (images must be passed as descriptors)"
                    : String.join(", ", caps.imageDirectories()));
            t.print(ctx.out);
        }
        return ExitCodes.OK;
    }

    @Command(name = "attach", mixinStandardHelpOptions = true, description = "Attach an image file as a block device.")
    int attach(@Parameters(paramLabel = "IMAGE", description = "The image file.") Path image,
               @Option(names = "--via", paramLabel = "auto|loop|ublk", defaultValue = "auto",
                       description = "ublk where the kernel has it, else loop (default: auto).") String backend,
               @Option(names = "--cow", description = "Copy-on-write (ublk only): writes go to an overlay, never the image.") boolean cow,
               @Option(names = "--buffered", description = "Use the page cache instead of direct IO.") boolean buffered,
               @Option(names = "--queues", defaultValue = "1", paramLabel = "N", description = "ublk queues (default: 1).") int queues,
               @Option(names = "--depth", defaultValue = "64", paramLabel = "N", description = "ublk queue depth (default: 64).") int depth,
               @Option(names = "--by-path", description = "Let the helper open the path (inside its image directories) instead of passing it the open file.") boolean byPath) {
        CliContext ctx = root.ctx;
        AttachRequest r = AttachRequest.readOnly(image).withBackend(parseBackend(backend))
                .withMode(cow ? AttachMode.COPY_ON_WRITE : AttachMode.READ_ONLY).withDirectIo(!buffered)
                .withQueues(queues, depth).passingDescriptor(!byPath);
        try (HelperClient c = client()) {
            AttachedDevice d = CliContext.await(c.attach(r));
            if (ctx.json) ctx.printJson(d);
            else ctx.out.println("attached " + image + " as " + d.devicePath() + " (id " + d.id() + ", " + Formats.lower(d.backend())
                    + ", " + describeMode(d) + ", " + Formats.bytes(d.sizeBytes()) + ", ready in " + millis(d.readyTime()) + ")");
        }
        return ExitCodes.OK;
    }

    @Command(name = "detach", mixinStandardHelpOptions = true, description = "Detach devices the helper attached.")
    int detach(@Parameters(paramLabel = "ID", arity = "1..*", description = "Device ids (see 'sandtable helper ls').") List<Integer> ids) {
        CliContext ctx = root.ctx;
        try (HelperClient c = client()) {
            for (int id : ids) {
                AttachedDevice d = CliContext.await(c.detach(id));
                if (ctx.json) ctx.printJson(d);
                else ctx.out.println("detached " + d.devicePath() + " (id " + d.id() + ")"
                        + ("detached".equals(d.state()) ? "" : ": it was already " + d.state()));
            }
        }
        return ExitCodes.OK;
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the devices the helper attached.")
    int ls() {
        CliContext ctx = root.ctx;
        try (HelperClient c = client()) {
            List<AttachedDevice> devices = CliContext.await(c.list());
            if (ctx.json) {
                ctx.out.println(toJson(devices));
                return ExitCodes.OK;
            }
            if (devices.isEmpty()) {
                ctx.out.println("no attached devices; attach one with: sandtable helper attach IMAGE");
                return ExitCodes.OK;
            }
            Table t = new Table("ID", "DEVICE", "BACKEND", "MODE", "SIZE", "OWNER", "STATE", "IMAGE");
            for (AttachedDevice d : devices)
                t.row(d.id(), d.devicePath(), Formats.lower(d.backend()), describeMode(d), Formats.bytes(d.sizeBytes()), d.ownerUid(),
                        d.state(), d.image());
            t.print(ctx.out);
        }
        return ExitCodes.OK;
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure IO with io_uring on an image file or an attached device.")
    int bench(@Parameters(paramLabel = "TARGET", description = "An image file in the helper's image directories, or a device id with --device.") String target,
              @Option(names = "--device", description = "TARGET is the id of an attached device.") boolean device,
              @Option(names = "--rw", defaultValue = "randread", paramLabel = "randread|randwrite|read|write",
                      description = "The pattern (default: randread).") String rw,
              @Option(names = "--bs", defaultValue = "4096", paramLabel = "BYTES", description = "Block size (default: 4096).") int bs,
              @Option(names = "--qd", defaultValue = "32", paramLabel = "N", description = "Queue depth (default: 32).") int qd,
              @Option(names = "--seconds", defaultValue = "5", paramLabel = "S", description = "Duration (default: 5).") double seconds,
              @Option(names = "--buffered", description = "Use the page cache instead of O_DIRECT.") boolean buffered) {
        CliContext ctx = root.ctx;
        boolean write = rw.toLowerCase(Locale.ROOT).endsWith("write");
        boolean random = rw.toLowerCase(Locale.ROOT).startsWith("rand");
        if (!List.of("randread", "randwrite", "read", "write").contains(rw.toLowerCase(Locale.ROOT)))
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--rw must be randread, randwrite, read or write");
        BenchRequest.Target t;
        if (device) {
            try {
                t = new BenchRequest.DeviceTarget(Integer.parseInt(target));
            } catch (NumberFormatException e) {
                throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "with --device, TARGET is a device id, not " + target);
            }
        } else {
            t = new BenchRequest.FileTarget(Path.of(target));
        }
        BenchRequest r = new BenchRequest(t, write, random, !buffered, bs, qd, Duration.ofMillis((long) (seconds * 1000)), 0);
        try (HelperClient c = client()) {
            BenchResult res = CliContext.await(c.bench(r));
            if (ctx.json) {
                ctx.printJson(new BenchSummary(res.iops(), res.megabytesPerSecond(), res));
                return ExitCodes.OK;
            }
            ctx.out.printf(Locale.ROOT, "%s %s bs=%d qd=%d %s: %.0f IOPS, %.1f MB/s over %.1f s%n", rw, target, bs, qd,
                    buffered ? "buffered" : "direct", res.iops(), res.megabytesPerSecond(), res.elapsed().toNanos() / 1e9);
            ctx.out.printf(Locale.ROOT, "latency us: min %.1f  mean %.1f  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                    us(res.latencyMin()), us(res.latencyMean()), us(res.latencyP50()), us(res.latencyP90()), us(res.latencyP99()),
                    us(res.latencyP999()), us(res.latencyMax()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a local snapshot as a raw ext4 image (mkfs.ext4 -d), ready for 'sandtable helper attach'.")
    int export(@Parameters(paramLabel = "SNAPSHOT", description = "Name or id.") String ref,
               @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "The image (default: <data>/images/<snapshot>.img).") Path out) {
        CliContext ctx = root.ctx;
        Snapshot snap = ctx.inventory().snapshots().stream().filter(s -> s.id().equals(ref) || s.name().equals(ref)).findFirst()
                .orElseThrow(() -> SandtableException.notFound("snapshot", ref));
        Path tree = ctx.paths().snapshots().resolve(snap.id()).resolve("tree");
        if (!java.nio.file.Files.isDirectory(tree))
            throw new SandtableException(ErrorCode.UNSUPPORTED, "snapshot '" + snap.name() + "' is not stored on this machine:"
                    + " only the local runtime's snapshots can be exported");
        Path image = out != null ? out : ctx.paths().data().resolve("images").resolve(snap.name() + ".img");
        long size = Ext4Image.fromTree(tree, image, snap.name());
        if (ctx.json) ctx.printJson(new Exported(snap.name(), snap.id(), image.toAbsolutePath().toString(), size));
        else ctx.out.println("exported snapshot " + snap.name() + " to " + image + " (ext4, " + Formats.bytes(size) + ")");
        return ExitCodes.OK;
    }

    record BenchSummary(double iops, double megabytesPerSecond, BenchResult result) {
    }

    record Exported(String snapshot, String id, String image, long sizeBytes) {
    }

    private String toJson(List<AttachedDevice> devices) {
        try {
            return dev.sandtable.json.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(devices);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw SandtableException.of(e);
        }
    }

    private static DeviceBackend parseBackend(String s) {
        try {
            return DeviceBackend.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "--via must be auto, loop or ublk, not " + s);
        }
    }

    private static String describeMode(AttachedDevice d) {
        return (d.mode() == AttachMode.COPY_ON_WRITE ? "copy-on-write" : "read-only") + (d.directIo() ? ", direct IO" : "");
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    private static double us(Duration d) {
        return d.toNanos() / 1e3;
    }
}
