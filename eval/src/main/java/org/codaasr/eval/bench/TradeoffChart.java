package org.codaasr.eval.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.codaasr.model.onnx.CodaVariant;

/** The WER-versus-speed-up plot of a {@link CodaBenchReport}: one labelled point per variant, CoDA points joined. */
public final class TradeoffChart {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = WIDTH - 40;
    private static final int TOP = 60;
    private static final int BOTTOM = HEIGHT - 70;
    private static final Color CODA = new Color(0xE4, 0x6C, 0x0A);
    private static final Color ADAPTER = new Color(0x1F, 0x5F, 0xB4);
    private static final Color DENSE = new Color(0x55, 0x55, 0x55);

    private TradeoffChart() {
    }

    private record Point(String label, CodaVariant variant, double speedup, double wer) {}

    public static void write(CodaBenchReport report, Path file) {
        Charts.writePng(render(report), file);
    }

    public static BufferedImage render(CodaBenchReport report) {
        int threads = report.threads().get(0);
        boolean vsAdapter = report.variant(CodaVariant.ADAPTER).isPresent();
        List<Point> points = points(report, threads, vsAdapter);
        BufferedImage image = Charts.canvas(WIDTH, HEIGHT);
        Graphics2D g = Charts.graphics(image);
        double maxX = Math.max(BenchVerdict.MIN_SPEEDUP, points.stream().mapToDouble(Point::speedup).max().orElse(1));
        double xStep = Charts.niceStep(maxX * 1.15, 6);
        double xMax = Math.ceil(maxX * 1.15 / xStep) * xStep;
        double minWer = points.stream().mapToDouble(Point::wer).min().orElse(0);
        double maxWer = points.stream().mapToDouble(Point::wer).max().orElse(1);
        double pad = Math.max(0.5, 0.15 * (maxWer - minWer));
        double yStep = Charts.niceStep(maxWer - minWer + 2 * pad, 6);
        double yMin = Math.max(0, Math.floor((minWer - pad) / yStep) * yStep);
        double yMax = Math.ceil((maxWer + pad) / yStep) * yStep;
        Axes axes = new Axes(0, xMax, yMin, yMax);

        g.setFont(Charts.SMALL);
        for (double x = 0; x <= xMax + 1e-9; x += xStep) {
            g.setColor(new Color(0xE6, 0xE6, 0xE6));
            g.draw(new Line2D.Double(axes.px(x), TOP, axes.px(x), BOTTOM));
            g.setColor(Color.DARK_GRAY);
            Charts.centered(g, Charts.tickLabel(x, xStep) + "x", axes.px(x), BOTTOM + 16);
        }
        for (double y = yMin; y <= yMax + 1e-9; y += yStep) {
            g.setColor(new Color(0xE6, 0xE6, 0xE6));
            g.draw(new Line2D.Double(LEFT, axes.py(y), RIGHT, axes.py(y)));
            g.setColor(Color.DARK_GRAY);
            Charts.rightAligned(g, Charts.tickLabel(y, yStep), LEFT - 6, axes.py(y) + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP);
        if (vsAdapter) {
            g.setColor(new Color(0x2E, 0x8B, 0x57));
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4},
                    0));
            g.draw(new Line2D.Double(axes.px(BenchVerdict.MIN_SPEEDUP), TOP, axes.px(BenchVerdict.MIN_SPEEDUP),
                    BOTTOM));
            g.drawString("2x bar", (float) axes.px(BenchVerdict.MIN_SPEEDUP) + 4, TOP + 14);
        }

        Path2D curve = new Path2D.Double();
        boolean started = false;
        for (Point p : points) {
            if (p.variant().isRouted()) {
                if (started) {
                    curve.lineTo(axes.px(p.speedup()), axes.py(p.wer()));
                } else {
                    curve.moveTo(axes.px(p.speedup()), axes.py(p.wer()));
                    started = true;
                }
            }
        }
        g.setColor(CODA);
        g.setStroke(new BasicStroke(2f));
        g.draw(curve);
        g.setFont(Charts.FONT);
        for (Point p : points) {
            Color c = p.variant().isRouted() ? CODA : p.variant() == CodaVariant.ADAPTER ? ADAPTER : DENSE;
            g.setColor(c);
            g.fill(new Ellipse2D.Double(axes.px(p.speedup()) - 5, axes.py(p.wer()) - 5, 10, 10));
        }
        List<Rectangle2D> placed = new ArrayList<>();
        FontMetrics fm = g.getFontMetrics();
        for (Point p : points) {
            String label = String.format(Locale.ROOT, "%s (%.2f%%, %.2fx)", p.label(), p.wer(), p.speedup());
            double x = axes.px(p.speedup());
            double y = axes.py(p.wer());
            Rectangle2D box = labelBox(fm, label, x, y, placed);
            placed.add(box);
            g.setColor(Color.GRAY);
            g.draw(new Line2D.Double(x, y, box.getX(), box.getCenterY()));
            g.setColor(Color.BLACK);
            g.drawString(label, (float) box.getX() + 2, (float) (box.getMaxY() - fm.getDescent()));
        }

        g.setFont(Charts.TITLE);
        Charts.centered(g, "CoDA trade-off: dev WER vs encoder speed-up (" + threads + " ONNX thread"
                + (threads == 1 ? "" : "s") + ", " + report.utterances() + " utterances)", WIDTH / 2.0, 30);
        g.setFont(Charts.FONT);
        Charts.centered(g, vsAdapter ? "encoder speed-up vs parallel adapter (higher is faster)"
                : "encoder speed-up vs the slowest variant (no parallel adapter in the folder)",
                (LEFT + RIGHT) / 2.0, BOTTOM + 42);
        Charts.vertical(g, "dev WER (%), greedy CTC", 24, (TOP + BOTTOM) / 2.0);
        g.dispose();
        return image;
    }

    /** First spot right of the point, stepping away vertically, where the label overlaps no earlier label. */
    private static Rectangle2D labelBox(FontMetrics fm, String label, double x, double y, List<Rectangle2D> placed) {
        double w = fm.stringWidth(label) + 4;
        double h = fm.getHeight();
        double left = Math.max(LEFT + 2, Math.min(x + 10, RIGHT - w - 2));
        for (int step = 0; step < 40; step++) {
            double offset = (step % 2 == 0 ? -1 : 1) * ((step + 1) / 2) * h;
            Rectangle2D box = new Rectangle2D.Double(left, y - h - 4 + offset, w, h);
            if (box.getMinY() >= TOP && box.getMaxY() <= BOTTOM
                    && placed.stream().noneMatch(b -> b.intersects(box))) {
                return box;
            }
        }
        return new Rectangle2D.Double(left, y - h - 4, w, h);
    }

    /** Speed-up of each variant against the adapter, or against the slowest variant when there is no adapter. */
    private static List<Point> points(CodaBenchReport report, int threads, boolean vsAdapter) {
        double slowest = report.variants().stream()
                .mapToDouble(v -> v.encoderMsPerAudioSecond().get(threads)).max().orElse(1);
        List<Point> points = new ArrayList<>();
        for (VariantResult v : report.variants()) {
            double speedup = vsAdapter
                    ? v.speedupVsAdapter().getOrDefault(threads, Double.NaN)
                    : slowest / v.encoderMsPerAudioSecond().get(threads);
            if (Double.isFinite(speedup)) {
                points.add(new Point(v.label(), v.variant(), speedup, v.werPercent()));
            }
        }
        return points;
    }

    private record Axes(double xMin, double xMax, double yMin, double yMax) {
        double px(double x) {
            return LEFT + (x - xMin) / (xMax - xMin) * (RIGHT - LEFT);
        }

        double py(double y) {
            return BOTTOM - (y - yMin) / (yMax - yMin) * (BOTTOM - TOP);
        }
    }
}
