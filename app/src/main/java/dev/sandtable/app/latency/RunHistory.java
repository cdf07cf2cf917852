package dev.sandtable.app.latency;

import dev.sandtable.latency.EndpointSummary;
import dev.sandtable.latency.ProbeReport;
import dev.sandtable.latency.ProbeReports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The lab's runs on disk, so they survive restarts: one JSON report per run ({@link ProbeReports}'s format, the same
 * an export writes) in {@code <data>/latency-runs/}, the newest {@value #KEEP} kept.
 */
public final class RunHistory {
    public static final int KEEP = 50;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Path dir;

    private RunHistory(Path dir) {
        this.dir = dir;
    }

    public static RunHistory in(Path dir) {
        return new RunHistory(dir);
    }

    /** Keeps nothing (tests that must not write the user's data folder). */
    public static RunHistory none() {
        return new RunHistory(null);
    }

    public Path dir() {
        return dir;
    }

    /** The saved runs, newest first; files that are not reports are skipped. Blocking: call off the FX thread. */
    public List<RunEntry> load() {
        List<RunEntry> out = new ArrayList<>();
        for (Path f : files()) {
            try {
                ProbeReport r = ProbeReports.readJson(f);
                out.add(new RunEntry(r, describe(r), f, RunEntry.Origin.SAVED));
            } catch (IOException | RuntimeException e) {
                // a half-written or foreign file: not a run
            }
        }
        return out;
    }

    /** Saves a run and drops the oldest beyond {@value #KEEP}; returns the file (null when this history keeps nothing). */
    public Path save(ProbeReport r) throws IOException {
        if (dir == null) return null;
        Files.createDirectories(dir);
        Path f = dir.resolve("run-" + NAME.format(r.startedAt()) + ".json");
        Path tmp = dir.resolve(f.getFileName() + ".tmp");
        ProbeReports.writeJson(r, tmp);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        List<Path> all = files();
        for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) Files.deleteIfExists(old);
        return f;
    }

    private List<Path> files() {
        if (dir == null || !Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("run-.*\\.json")).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What a report probed, in words: "sandbox ab12cd" or "a temporary sandbox". */
    public static String describe(ProbeReport r) {
        if (r.endpoints().isEmpty()) return "";
        EndpointSummary e = r.endpoints().getFirst();
        return e.temporary() ? "temporary sandbox" : "sandbox " + e.sandboxId();
    }
}
