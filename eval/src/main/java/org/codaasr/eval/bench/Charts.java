package org.codaasr.eval.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.codaasr.model.AsrException;

/**
 * Drawing helpers shared by the benchmark chart and the routing plot. Two fixed-layout PNGs do not justify a
 * charting library dependency, so they are drawn with java.awt directly.
 */
public final class Charts {

    public static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    public static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    public static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private Charts() {
    }

    /** A white RGB canvas with antialiasing on; headless mode is forced because no display is needed. */
    public static BufferedImage canvas(int width, int height) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    public static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        return g;
    }

    public static void writePng(BufferedImage image, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new AsrException("no PNG writer available to write " + file);
            }
        } catch (IOException e) {
            throw new AsrException("cannot write PNG " + file + ": " + e.getMessage(), e);
        }
    }

    /** A 1-2-5 tick step giving about {@code ticks} intervals over {@code range}. */
    public static double niceStep(double range, int ticks) {
        if (!(range > 0)) {
            return 1;
        }
        double raw = range / ticks;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** Tick label without trailing zeros. */
    public static String tickLabel(double value, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
    }

    public static void centered(Graphics2D g, String text, double x, double y) {
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (float) (x - w / 2.0), (float) y);
    }

    public static void rightAligned(Graphics2D g, String text, double x, double y) {
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (float) (x - w), (float) y);
    }

    /** Draws {@code text} rotated 90 degrees counter-clockwise, centered on (x, y). */
    public static void vertical(Graphics2D g, String text, double x, double y) {
        Graphics2D r = (Graphics2D) g.create();
        r.translate(x, y);
        r.rotate(-Math.PI / 2);
        centered(r, text, 0, 0);
        r.dispose();
    }
}
