package org.codaasr.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapacityChartTest {

    private static PipelineBenchmark.RealtimeLevel level(int streams, long p50, long p95, double lag, boolean held) {
        return new PipelineBenchmark.RealtimeLevel(streams, streams * 4, p50, p95, p95, p50, p95, p95 + 10, lag, held,
                Map.of(0, (long) streams * 4), Map.of(0, 30.0 * streams), Map.of(0, 1.0), 12.5, streams * 4, 20.0,
                Map.of("mean_batch", 4.0));
    }

    @Test
    void drawsEachSeriesInItsColour() {
        BufferedImage image = CapacityChart.render(List.of(level(20, 150, 300, -20, true),
                level(40, 900, 4000, 2000, false), level(60, 5000, 12000, 9000, false)), 1000, "test");
        assertEquals(CapacityChart.WIDTH, image.getWidth());
        int orange = 0;
        int blue = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                orange += rgb == 0xE46C0A ? 1 : 0;
                blue += rgb == 0x1F5FB4 ? 1 : 0;
            }
        }
        assertTrue(orange > 100 && blue > 100, "p95 pixels " + orange + ", p50 pixels " + blue);
    }

    @Test
    void nothingToPlotIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> CapacityChart.render(List.of(), 1000, "empty"));
    }
}
