package dev.sandtable.latency;

import dev.sandtable.json.Json;
import dev.sandtable.spi.ErrorCode;
import dev.sandtable.spi.SandtableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reports to and from files: JSON (the whole report, every trial's frames included; reads back into the same
 * records) and CSV (one row per endpoint, stream and metric).
 */
public final class ProbeReports {
    private ProbeReports() {
    }

    public static String toJson(ProbeReport r) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(r);
        } catch (IOException e) {
            throw SandtableException.of(e);
        }
    }

    public static ProbeReport fromJson(String json) {
        try {
            return Json.mapper().readValue(json, ProbeReport.class);
        } catch (IOException e) {
            throw new SandtableException(ErrorCode.INVALID_ARGUMENT, "not a latency report: " + e.getMessage(), e);
        }
    }

    public static void writeJson(ProbeReport r, Path file) throws IOException {
        Files.writeString(file, toJson(r) + "\n");
    }

    public static ProbeReport readJson(Path file) throws IOException {
        return fromJson(Files.readString(file));
    }

    public static final String CSV_HEADER = "endpoint,stream,verdict,metric,count,p50_ms,p90_ms,p99_ms,max_ms,reason";

    public static String toCsv(ProbeReport r) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (StreamResult s : r.results()) {
            if (s.metrics().isEmpty()) sb.append(row(s, null));
            for (Metric m : s.metrics()) sb.append(row(s, m));
        }
        return sb.toString();
    }

    public static void writeCsv(ProbeReport r, Path file) throws IOException {
        Files.writeString(file, toCsv(r));
    }

    private static String row(StreamResult s, Metric m) {
        String nums = m == null ? ",0,,,," : String.format(Locale.ROOT, ",%s,%d,%.3f,%.3f,%.3f,%.3f", m.name(), m.count(),
                m.p50Ms(), m.p90Ms(), m.p99Ms(), m.maxMs());
        return csv(s.endpoint()) + "," + s.stream().cliName() + "," + s.verdict() + (m == null ? "," : "") + nums + "," + csv(s.reason()) + "\n";
    }

    private static String csv(String v) {
        if (v == null) return "";
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
