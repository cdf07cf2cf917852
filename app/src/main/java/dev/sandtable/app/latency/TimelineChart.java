package dev.sandtable.app.latency;

import dev.sandtable.latency.Frame;
import dev.sandtable.latency.Verdict;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

import java.util.List;
import java.util.Locale;

/**
 * The live timeline: one lane per stream and endpoint, time since the request running right. Each frame is a line from
 * when it was produced (hollow dot, upper rail) to when it arrived (filled dot, lower rail): straight down is prompt,
 * a fan of lines converging on the right is a proxy that held the frames back. Headers are a triangle, the stream's
 * end a dashed bar. Redrawn when the lanes change (once per pulse at most) or the size does.
 */
public final class TimelineChart extends Region {
    static final double LANE_H = 58;
    static final double HEADER_H = 34;
    static final double LABEL_W = 190;
    static final Color PROMPT = Color.web("#1a7f37");
    static final Color DELAYED = Color.web("#bf8700");
    static final Color BUFFERED = Color.web("#cf222e");
    static final Color FAILED = Color.web("#6e7781");
    static final Color LIVE = Color.web("#0969da");
    private static final Color RAIL = Color.web("#d0d7de");
    private static final Color TEXT = Color.web("#1f2328");
    private static final Color MUTED = Color.web("#656d76");
    private static final Font TITLE_FONT = Font.font("System", FontWeight.BOLD, 12);
    /** A lane title's room: the rail labels stand right-aligned before the time axis. */
    private static final double TITLE_W = LABEL_W - 8 - 64;

    private final Canvas canvas = new Canvas();
    private final ObservableList<Lane> lanes;
    /** Lane titles as drawn (cut short where too long): measured once, not on every redraw. */
    private final java.util.Map<String, String> fittedTitles = new java.util.HashMap<>();

    public TimelineChart(ObservableList<Lane> lanes) {
        this.lanes = lanes;
        getStyleClass().add("timeline-chart");
        getChildren().add(canvas);
        lanes.addListener((ListChangeListener<Lane>) c -> {
            requestLayout();
            draw();
        });
        widthProperty().addListener((o, a, b) -> draw());
        heightProperty().addListener((o, a, b) -> draw());
        // hovering a lane shows its evidence in numbers
        javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();
        tip.setShowDelay(javafx.util.Duration.millis(300));
        tip.setShowDuration(javafx.util.Duration.INDEFINITE);
        tip.setStyle("-fx-font-family: monospace;");
        setOnMouseMoved(e -> {
            Lane l = laneAt(e.getY());
            if (l == null) Tooltip.uninstall(this, tip);
            else {
                tip.setText(l.evidenceText());
                Tooltip.install(this, tip);
            }
        });
    }

    /** The lane drawn at this height, or null. */
    Lane laneAt(double y) {
        int i = (int) Math.floor((y - HEADER_H) / LANE_H);
        return y < HEADER_H || i >= lanes.size() ? null : lanes.get(i);
    }

    @Override
    protected double computePrefHeight(double width) {
        return HEADER_H + Math.max(1, lanes.size()) * LANE_H + 12;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 760;
    }

    @Override
    protected void layoutChildren() {
        if (canvas.getWidth() != getWidth() || canvas.getHeight() != getHeight()) {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            draw();
        }
    }

    static Color colour(Verdict v) {
        if (v == null) return LIVE;
        return switch (v) {
            case PROMPT -> PROMPT;
            case DELAYED -> DELAYED;
            case BUFFERED -> BUFFERED;
            case FAILED -> FAILED;
        };
    }

    /** The time axis' end: the longest lane, with a little room. */
    static double scaleMs(List<Lane> lanes) {
        double max = 100;
        for (Lane l : lanes) max = Math.max(max, l.spanMs());
        return niceStep(max / 6) * Math.ceil(max * 1.04 / niceStep(max / 6));
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 5, 10}) if (m * p >= raw) return m * p;
        return 10 * p;
    }

    void draw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        if (w < LABEL_W + 60) return;
        List<Lane> ls = List.copyOf(lanes);
        double x0 = LABEL_W, x1 = w - 24;
        double scale = scaleMs(ls);
        double step = niceStep(scale / 6);
        g.setFont(Font.font("System", 11));
        g.setTextBaseline(VPos.CENTER);
        // axis
        g.setStroke(RAIL);
        g.setLineWidth(1);
        for (double t = 0; t <= scale + 1e-9; t += step) {
            double x = x0 + (x1 - x0) * t / scale;
            g.setStroke(Color.web("#eaeef2"));
            g.strokeLine(x, HEADER_H - 4, x, HEADER_H + ls.size() * LANE_H);
            g.setFill(MUTED);
            g.setTextAlign(TextAlignment.CENTER);
            g.fillText(label(t), x, HEADER_H - 12);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(MUTED);
        g.fillText("ms since the request", 8, HEADER_H - 12);
        if (ls.isEmpty()) {
            g.setFill(MUTED);
            g.fillText("No frames yet: press Run, or choose a run in the history.", x0, HEADER_H + LANE_H / 2);
            return;
        }
        for (int i = 0; i < ls.size(); i++) drawLane(g, ls.get(i), HEADER_H + i * LANE_H, x0, x1, scale);
    }

    private void drawLane(GraphicsContext g, Lane l, double y, double x0, double x1, double scale) {
        double yp = y + 16, ya = y + LANE_H - 16;
        Color c = colour(l.verdict());
        if (((int) ((y - HEADER_H) / LANE_H)) % 2 == 1) {
            g.setFill(Color.web("#f6f8fa"));
            g.fillRect(0, y, canvas.getWidth(), LANE_H);
        }
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(TEXT);
        g.setFont(TITLE_FONT);
        // a long endpoint name is cut short rather than run into the rail labels
        g.fillText(fittedTitles.computeIfAbsent(l.column() + " · " + l.stream().cliName(), t -> fit(t, TITLE_FONT, TITLE_W)), 8, y + 18);
        g.setFont(Font.font("System", 11));
        g.setFill(c);
        g.fillText((l.verdict() == null ? "running" : l.verdict().name()) + (l.evidence() ? "" : " · latest trial"), 8, y + 36);
        g.setFill(MUTED);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText("produced", x0 - 6, yp);
        g.fillText("arrived", x0 - 6, ya);
        g.setStroke(RAIL);
        g.setLineWidth(1);
        g.setLineDashes();
        g.strokeLine(x0, yp, x1, yp);
        g.strokeLine(x0, ya, x1, ya);
        if (l.endedMs() != null) {
            double x = x(l.endedMs(), x0, x1, scale);
            g.setStroke(MUTED);
            g.setLineDashes(3, 3);
            g.strokeLine(x, yp - 8, x, ya + 8);
            g.setLineDashes();
        }
        if (l.headersMs() != null) {
            double x = x(l.headersMs(), x0, x1, scale);
            g.setFill(LIVE);
            g.fillPolygon(new double[]{x - 5, x + 5, x}, new double[]{ya + 10, ya + 10, ya + 3}, 3);
        }
        g.setLineWidth(1.6);
        for (Frame f : l.frames()) {
            double xa = x(f.arrivedMs(), x0, x1, scale);
            if (f.producedMs() != null) {
                double xp = x(f.producedMs(), x0, x1, scale);
                g.setStroke(c.deriveColor(0, 1, 1, 0.7));
                g.strokeLine(xp, yp, xa, ya);
                g.setFill(Color.WHITE);
                g.fillOval(xp - 4, yp - 4, 8, 8);
                g.setStroke(c);
                g.strokeOval(xp - 4, yp - 4, 8, 8);
                g.setFill(c);
                g.fillOval(xa - 4, ya - 4, 8, 8);
            } else if (f.kind().equals("keepalive")) {
                g.setFill(c);
                g.fillPolygon(new double[]{xa - 4, xa, xa + 4, xa}, new double[]{ya, ya - 4, ya, ya + 4}, 4);
            } else {
                g.setStroke(MUTED);
                g.strokeLine(xa, ya - 6, xa, ya + 6);
            }
        }
    }

    private static double x(double ms, double x0, double x1, double scale) {
        return x0 + (x1 - x0) * Math.min(ms, scale) / scale;
    }

    private static String label(double ms) {
        return ms >= 1000 && ms % 1000 == 0 ? (long) (ms / 1000) + " s" : String.format(Locale.ROOT, ms == Math.floor(ms) ? "%.0f" : "%.1f", ms);
    }

    Canvas canvas() {
        return canvas;
    }

    /** {@code text}, or as much of it as fits in {@code width} followed by an ellipsis. */
    static String fit(String text, Font font, double width) {
        javafx.scene.text.Text t = new javafx.scene.text.Text(text);
        t.setFont(font);
        if (t.getLayoutBounds().getWidth() <= width) return text;
        for (int n = text.length() - 1; n > 0; n--) {
            t.setText(text.substring(0, n) + "…");
            if (t.getLayoutBounds().getWidth() <= width) return t.getText();
        }
        return "…";
    }
}
