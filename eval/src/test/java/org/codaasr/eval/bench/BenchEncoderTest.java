package org.codaasr.eval.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.onnx.OnnxConfig;
import org.junit.jupiter.api.Test;

/** Utterances decoded in lockstep give what each gives alone (tiny random CoDA streaming graphs). */
class BenchEncoderTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-coda-streaming");

    @Test
    void lockstepDecodingEqualsOneStreamAtATime() {
        assumeTrue(Files.isDirectory(TINY), "tiny CoDA streaming models missing");
        Random random = new Random(7);
        // lengths that end on a full chunk, a partial chunk and inside the first chunk
        List<float[][]> utterances = List.of(features(random, 301), features(random, 173), features(random, 41));
        for (CodaVariant v : List.of(CodaVariant.DENSE, CodaVariant.CODA_R4)) {
            try (BenchEncoder encoder = BenchEncoder.load(TINY, v, true, OnnxConfig.defaults())) {
                List<float[][]> together = encoder.logProbs(utterances);
                for (int i = 0; i < utterances.size(); i++) {
                    float[][] alone = encoder.logProbs(utterances.get(i));
                    assertEquals(alone.length, together.get(i).length, v + " utterance " + i);
                    for (int t = 0; t < alone.length; t++) {
                        for (int k = 0; k < alone[t].length; k++) {
                            assertEquals(alone[t][k], together.get(i)[t][k], 1e-4, v + " " + i + " " + t + " " + k);
                        }
                    }
                }
            }
        }
    }

    private static float[][] features(Random random, int frames) {
        float[][] f = new float[frames][80];
        for (float[] row : f) {
            for (int k = 0; k < row.length; k++) {
                row[k] = (float) random.nextGaussian();
            }
        }
        return f;
    }
}
