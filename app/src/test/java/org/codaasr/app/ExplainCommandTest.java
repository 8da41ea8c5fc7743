package org.codaasr.app;

import org.codaasr.eval.bench.RoutingPlot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.corpus.DataSets;
import org.codaasr.model.features.FbankExtractor;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.onnx.RoutingTrace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code asr explain} on the tiny CoDA model: the PNG's size and its routing rows match the model's trace. */
class ExplainCommandTest {

    static final Path TINY_CODA = CodaBenchmarkTest.TINY_CODA;
    static final Path FLAC = DataSets.demoUtterance("1688-142285-0000");
    static final int SELECTED_RGB = 0xE46C0A;

    @TempDir
    Path dir;

    @BeforeEach
    void requireModels() {
        assumeTrue(Files.isRegularFile(TINY_CODA.resolve("model.coda-r4.onnx")),
                "tiny CoDA models not present in " + TINY_CODA);
    }

    @Test
    void writesPngWhoseLayerRowsShowTheRoutedShare() throws IOException {
        Path png = dir.resolve("routing.png");
        int code = new CommandLine(new ExplainCommand()).execute(FLAC.toString(), "--coda-r", "4", "--model",
                TINY_CODA.toString(), "--out", png.toString());
        assertEquals(0, code);

        RoutingTrace trace;
        try (OnnxAcousticModel model = OnnxAcousticModel.load(TINY_CODA.resolve("model.coda-r4.onnx"),
                OnnxConfig.defaults())) {
            trace = model.routing(FbankExtractor.withDefaults().compute(AudioDecoder.load(FLAC, 16000).samples()))
                    .orElseThrow();
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(RoutingPlot.WIDTH, image.getWidth());
        assertEquals(RoutingPlot.height(trace.layers()), image.getHeight());
        int rowsTop = RoutingPlot.TOP + RoutingPlot.SPECTROGRAM_HEIGHT + RoutingPlot.GAP;
        for (int l = 0; l < trace.layers(); l++) {
            int y = rowsTop + l * RoutingPlot.ROW_HEIGHT + RoutingPlot.ROW_HEIGHT / 2;
            int orange = 0;
            for (int x = RoutingPlot.LEFT + 1; x < RoutingPlot.RIGHT; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == SELECTED_RGB) {
                    orange++;
                }
            }
            double drawn = orange / (double) (RoutingPlot.RIGHT - RoutingPlot.LEFT - 1);
            assertEquals(trace.selectedFraction(l), drawn, 0.03, "layer " + (l + 1));
        }
    }

    @Test
    void refusesAModelWithoutRouting() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new ExplainCommand()).setErr(new PrintWriter(err)).execute(FLAC.toString(),
                "--coda-r", "1", "--model", TINY_CODA.toString(), "--out", dir.resolve("x.png").toString());
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("--coda-r 2, 4 or 8"), err.toString());
        assertTrue(Files.notExists(dir.resolve("x.png")));
    }
}
