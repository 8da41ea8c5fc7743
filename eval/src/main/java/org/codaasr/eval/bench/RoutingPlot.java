package org.codaasr.eval.bench;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.codaasr.model.onnx.RoutingTrace;

/**
 * Draws what a CoDA model attended to: the log-mel spectrogram on top and, time-aligned below it, one row per
 * encoder layer marking the output frames that layer processed, with the transcript as a caption. Output frame t
 * is drawn over feature frames {@code [t * subsampling, (t + 1) * subsampling)}.
 */
public final class RoutingPlot {

    public static final int WIDTH = 1200;
    public static final int LEFT = 70;
    public static final int RIGHT = WIDTH - 60;
    public static final int TOP = 40;
    public static final int SPECTROGRAM_HEIGHT = 240;
    public static final int GAP = 24;
    public static final int ROW_HEIGHT = 16;
    static final int AXIS_HEIGHT = 48;
    static final int CAPTION_LINES = 3;
    static final int CAPTION_LINE_HEIGHT = 18;
    static final int BOTTOM_MARGIN = 12;
    private static final Color SELECTED = new Color(0xE4, 0x6C, 0x0A);
    private static final Color SKIPPED = new Color(0xEE, 0xEE, 0xEE);

    private RoutingPlot() {
    }

    /** Image height for a model with {@code layers} layers; the width is always {@link #WIDTH}. */
    public static int height(int layers) {
        return TOP + SPECTROGRAM_HEIGHT + GAP + layers * ROW_HEIGHT + AXIS_HEIGHT
                + CAPTION_LINES * CAPTION_LINE_HEIGHT + BOTTOM_MARGIN;
    }

    /**
     * Renders the plot.
     *
     * @param logMel [featureFrames][bins] features the model saw
     * @param trace routing of the same utterance
     * @param subsampling feature frames per output frame
     * @param frameShiftSeconds seconds between feature frames
     * @param title line above the plot
     * @param transcript recognized text, wrapped into the caption
     */
    public static BufferedImage render(float[][] logMel, RoutingTrace trace, int subsampling,
            double frameShiftSeconds, String title, String transcript) {
        if (logMel.length == 0) {
            throw new IllegalArgumentException("no feature frames to plot");
        }
        int featureFrames = logMel.length;
        int bins = logMel[0].length;
        BufferedImage image = Charts.canvas(WIDTH, height(trace.layers()));
        Graphics2D g = Charts.graphics(image);
        double plotWidth = RIGHT - LEFT;

        float[] range = colorRange(logMel);
        for (int px = 0; px < plotWidth; px++) {
            int f = (int) Math.min(featureFrames - 1, Math.floor(px / plotWidth * featureFrames));
            for (int py = 0; py < SPECTROGRAM_HEIGHT; py++) {
                int bin = (int) ((SPECTROGRAM_HEIGHT - 1 - py) / (double) SPECTROGRAM_HEIGHT * bins);
                float v = (logMel[f][bin] - range[0]) / (range[1] - range[0]);
                image.setRGB(LEFT + px, TOP + py, Viridis.rgb(v));
            }
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, RIGHT - LEFT, SPECTROGRAM_HEIGHT);
        g.setFont(Charts.SMALL);
        for (int bin = 0; bin <= bins; bin += 20) {
            double y = TOP + SPECTROGRAM_HEIGHT - bin / (double) bins * SPECTROGRAM_HEIGHT;
            Charts.rightAligned(g, Integer.toString(bin), LEFT - 6, y + 4);
        }
        Charts.vertical(g, "mel bin", 22, TOP + SPECTROGRAM_HEIGHT / 2.0);

        int rowsTop = TOP + SPECTROGRAM_HEIGHT + GAP;
        g.setFont(Charts.SMALL);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        for (int l = 0; l < trace.layers(); l++) {
            int y = rowsTop + l * ROW_HEIGHT;
            g.setColor(SKIPPED);
            g.fillRect(LEFT, y + 1, RIGHT - LEFT, ROW_HEIGHT - 2);
            g.setColor(SELECTED);
            for (int t = 0; t < trace.frames(); t++) {
                if (trace.selected()[l][t]) {
                    // whole pixels, no antialiasing: blended edges would make narrow cells look half-selected
                    int x0 = LEFT + (int) Math.round((double) t * subsampling / featureFrames * plotWidth);
                    int x1 = LEFT + (int) Math.round(Math.min(featureFrames, (t + 1.0) * subsampling)
                            / featureFrames * plotWidth);
                    g.fillRect(x0, y + 1, Math.max(1, x1 - x0), ROW_HEIGHT - 2);
                }
            }
            g.setColor(Color.DARK_GRAY);
            Charts.rightAligned(g, "layer " + (l + 1), LEFT - 6, y + ROW_HEIGHT - 4);
            g.drawString(String.format(Locale.ROOT, "%.0f%%", 100 * trace.selectedFraction(l)), RIGHT + 6,
                    y + ROW_HEIGHT - 4);
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int rowsBottom = rowsTop + trace.layers() * ROW_HEIGHT;
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, rowsTop, RIGHT - LEFT, rowsBottom - rowsTop);
        g.drawString("frames", RIGHT + 6, rowsTop - 6);

        double seconds = featureFrames * frameShiftSeconds;
        double step = Charts.niceStep(seconds, 12);
        for (double s = 0; s <= seconds + 1e-9; s += step) {
            double x = LEFT + s / seconds * plotWidth;
            g.drawLine((int) Math.round(x), rowsBottom, (int) Math.round(x), rowsBottom + 4);
            g.drawLine((int) Math.round(x), TOP + SPECTROGRAM_HEIGHT, (int) Math.round(x), TOP + SPECTROGRAM_HEIGHT + 4);
            Charts.centered(g, Charts.tickLabel(s, step), x, rowsBottom + 16);
        }
        g.setFont(Charts.FONT);
        Charts.centered(g, "time (s); orange = frame processed by the layer's routed branch", (LEFT + RIGHT) / 2.0,
                rowsBottom + 36);

        g.setFont(Charts.TITLE);
        Charts.centered(g, title, WIDTH / 2.0, 26);
        g.setFont(Charts.FONT);
        g.setColor(Color.BLACK);
        int captionTop = rowsBottom + AXIS_HEIGHT;
        List<String> lines = wrap(g.getFontMetrics(), "\u201C" + transcript + "\u201D", RIGHT - LEFT, CAPTION_LINES);
        for (int i = 0; i < lines.size(); i++) {
            g.drawString(lines.get(i), LEFT, captionTop + (i + 1) * CAPTION_LINE_HEIGHT - 4);
        }
        g.dispose();
        return image;
    }

    /** 1st and 99th percentile of all values, so a few outliers do not wash out the colors. */
    static float[] colorRange(float[][] logMel) {
        float[] all = new float[logMel.length * logMel[0].length];
        int i = 0;
        for (float[] row : logMel) {
            for (float v : row) {
                all[i++] = v;
            }
        }
        Arrays.sort(all);
        float lo = all[(int) (0.01 * (all.length - 1))];
        float hi = all[(int) (0.99 * (all.length - 1))];
        return new float[] {lo, hi > lo ? hi : lo + 1};
    }

    /** Greedy word wrap to {@code width} pixels, at most {@code maxLines} lines, the last one ellipsized. */
    static List<String> wrap(FontMetrics fm, String text, int width, int maxLines) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (fm.stringWidth(candidate) <= width || line.length() == 0) {
                line.setLength(0);
                line.append(candidate);
            } else {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        if (lines.size() > maxLines) {
            List<String> cut = new ArrayList<>(lines.subList(0, maxLines));
            String last = cut.get(maxLines - 1);
            while (!last.isEmpty() && fm.stringWidth(last + " \u2026") > width) {
                last = last.substring(0, last.length() - 1);
            }
            cut.set(maxLines - 1, last + " \u2026");
            return cut;
        }
        return lines;
    }

    /**
     * The viridis colormap, linearly interpolated between nine anchor colors of matplotlib's table; small enough
     * that a colormap library is not worth a dependency.
     */
    static final class Viridis {
        private static final int[] ANCHORS = {0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962,
            0xADDC30, 0xFDE725};

        private Viridis() {
        }

        static int rgb(float value) {
            double v = Math.max(0, Math.min(1, Float.isNaN(value) ? 0 : value)) * (ANCHORS.length - 1);
            int i = Math.min(ANCHORS.length - 2, (int) Math.floor(v));
            double frac = v - i;
            int a = ANCHORS[i];
            int b = ANCHORS[i + 1];
            int r = mix(a >> 16 & 0xFF, b >> 16 & 0xFF, frac);
            int gr = mix(a >> 8 & 0xFF, b >> 8 & 0xFF, frac);
            int bl = mix(a & 0xFF, b & 0xFF, frac);
            return r << 16 | gr << 8 | bl;
        }

        private static int mix(int a, int b, double frac) {
            return (int) Math.round(a + (b - a) * frac);
        }
    }
}
