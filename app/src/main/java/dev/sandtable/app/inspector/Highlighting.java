package dev.sandtable.app.inspector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Syntax highlighting as plain data: which style class covers which characters. No JavaFX. */
public final class Highlighting {
    public static final String KEY = "json-key";
    public static final String STRING = "json-string";
    public static final String NUMBER = "json-number";
    public static final String LITERAL = "json-literal";
    public static final String ERROR_LINE = "log-error";
    public static final String WARNING_LINE = "log-warning";

    private static final Pattern JSON_TOKEN = Pattern.compile(
            "(?<string>\"(?:[^\"\\\\]|\\\\.)*\")(?<colon>\\s*:)?"
                    + "|(?<number>-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)"
                    + "|(?<literal>\\btrue\\b|\\bfalse\\b|\\bnull\\b)");
    private static final Pattern ERROR = Pattern.compile("\\b(error|fatal|panic|exception|failed|failure)\\b");
    private static final Pattern WARNING = Pattern.compile("\\b(warn|warning)\\b");

    private Highlighting() {
    }

    /** Keys, strings, numbers and true/false/null of JSON text, in order and without overlaps. */
    public static List<StyledRange> json(String text) {
        List<StyledRange> out = new ArrayList<>();
        Matcher m = JSON_TOKEN.matcher(text);
        while (m.find()) {
            if (m.group("string") != null)
                out.add(new StyledRange(m.start("string"), m.end("string"), m.group("colon") != null ? KEY : STRING));
            else if (m.group("number") != null) out.add(new StyledRange(m.start(), m.end(), NUMBER));
            else out.add(new StyledRange(m.start(), m.end(), LITERAL));
        }
        return out;
    }

    /** Whole lines that mention an error (first) or a warning, case-insensitively; the newline is not covered. */
    public static List<StyledRange> logLines(String text) {
        List<StyledRange> out = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            String line = text.substring(start, end).toLowerCase(Locale.ROOT);
            if (ERROR.matcher(line).find()) out.add(new StyledRange(start, end, ERROR_LINE));
            else if (WARNING.matcher(line).find()) out.add(new StyledRange(start, end, WARNING_LINE));
            if (nl < 0) break;
            start = nl + 1;
        }
        return out;
    }
}
