package org.codaasr.app.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.codaasr.eval.bench.Charts;

/**
 * The capacity plot of {@code asr bench pipeline}: final-latency p50/p95 and lag growth (seconds, log scale) against
 * concurrent real-time streams, held levels filled, with the held threshold as a dashed line.
 */
public final class CapacityChart {

    static final int WIDTH = 900;
    static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = WIDTH - 180;
    private static final int TOP = 60;
    private static final int BOTTOM = HEIGHT - 60;
    private static final double Y_MIN = 0.01;
    private static final Color P95 = new Color(0xE4, 0x6C, 0x0A);
    private static final Color P50 = new Color(0x1F, 0x5F, 0xB4);
    private static final Color LAG = new Color(0x55, 0x55, 0x55);

    private CapacityChart() {}

    public static void write(List<PipelineBenchmark.RealtimeLevel> levels, long heldP95Ms, String title, Path file) {
        Charts.writePng(render(levels, heldP95Ms, title), file);
    }

    public static BufferedImage render(List<PipelineBenchmark.RealtimeLevel> levels, long heldP95Ms, String title) {
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("no real-time levels to plot");
        }
        BufferedImage image = Charts.canvas(WIDTH, HEIGHT);
        Graphics2D g = Charts.graphics(image);
        int maxStreams = levels.stream().mapToInt(PipelineBenchmark.RealtimeLevel::streams).max().orElse(1);
        double xStep = Charts.niceStep(maxStreams, 8);
        double xMax = Math.ceil(maxStreams * 1.05 / xStep) * xStep;
        double yMax = Math.max(10, levels.stream().mapToDouble(l -> Math.max(l.finalP95(), l.lagGrowthMs()) / 1000.0)
                .max().orElse(1) * 1.5);
        g.setFont(Charts.SMALL);
        for (double x = 0; x <= xMax + 1e-9; x += xStep) {
            g.setColor(new Color(0xE6, 0xE6, 0xE6));
            g.draw(new Line2D.Double(px(x, xMax), TOP, px(x, xMax), BOTTOM));
            g.setColor(Color.DARK_GRAY);
            Charts.centered(g, Charts.tickLabel(x, xStep), px(x, xMax), BOTTOM + 16);
        }
        for (double y = Y_MIN; y <= yMax * 1.0001; y *= 10) {
            g.setColor(new Color(0xE6, 0xE6, 0xE6));
            g.draw(new Line2D.Double(LEFT, py(y, yMax), RIGHT, py(y, yMax)));
            g.setColor(Color.DARK_GRAY);
            Charts.rightAligned(g, Charts.tickLabel(y, y), LEFT - 6, py(y, yMax) + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, RIGHT - LEFT, BOTTOM - TOP);
        g.setColor(new Color(0x2E, 0x8B, 0x57));
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        double held = py(heldP95Ms / 1000.0, yMax);
        g.draw(new Line2D.Double(LEFT, held, RIGHT, held));
        g.drawString("held: p95 < " + heldP95Ms + " ms", LEFT + 6, (float) held - 4);
        series(g, levels, l -> l.finalP95() / 1000.0, P95, xMax, yMax);
        series(g, levels, l -> l.finalP50() / 1000.0, P50, xMax, yMax);
        series(g, levels, l -> Math.max(Y_MIN, l.lagGrowthMs() / 1000.0), LAG, xMax, yMax);
        legend(g, "final latency p95", P95, 0);
        legend(g, "final latency p50", P50, 1);
        legend(g, "lag growth per run", LAG, 2);
        legend(g, "filled: held", Color.BLACK, 3);
        g.setColor(Color.BLACK);
        g.setFont(Charts.TITLE);
        g.drawString(title, LEFT, 30);
        g.setFont(Charts.FONT);
        Charts.centered(g, "concurrent real-time streams", (LEFT + RIGHT) / 2.0, HEIGHT - 20);
        Charts.vertical(g, "seconds (log scale)", 24, (TOP + BOTTOM) / 2.0);
        g.dispose();
        return image;
    }

    private static void series(Graphics2D g, List<PipelineBenchmark.RealtimeLevel> levels,
            ToDoubleFunction<PipelineBenchmark.RealtimeLevel> value, Color color, double xMax, double yMax) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        Path2D line = new Path2D.Double();
        for (int i = 0; i < levels.size(); i++) {
            double x = px(levels.get(i).streams(), xMax);
            double y = py(value.applyAsDouble(levels.get(i)), yMax);
            if (i == 0) {
                line.moveTo(x, y);
            } else {
                line.lineTo(x, y);
            }
        }
        g.draw(line);
        for (PipelineBenchmark.RealtimeLevel l : levels) {
            Ellipse2D dot = new Ellipse2D.Double(px(l.streams(), xMax) - 5, py(value.applyAsDouble(l), yMax) - 5, 10,
                    10);
            if (l.held()) {
                g.fill(dot);
            } else {
                g.setColor(Color.WHITE);
                g.fill(dot);
                g.setColor(color);
                g.draw(dot);
            }
        }
    }

    private static void legend(Graphics2D g, String label, Color color, int row) {
        int y = TOP + 10 + row * 22;
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        g.draw(new Line2D.Double(RIGHT + 14, y, RIGHT + 36, y));
        g.setColor(Color.DARK_GRAY);
        g.setFont(Charts.SMALL);
        g.drawString(label, RIGHT + 42, y + 4);
    }

    private static double px(double streams, double xMax) {
        return LEFT + streams / xMax * (RIGHT - LEFT);
    }

    private static double py(double seconds, double yMax) {
        double v = Math.log10(Math.max(Y_MIN, seconds));
        double lo = Math.log10(Y_MIN);
        return BOTTOM - (v - lo) / (Math.log10(yMax) - lo) * (BOTTOM - TOP);
    }
}
