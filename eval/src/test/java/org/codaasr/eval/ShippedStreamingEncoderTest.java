package org.codaasr.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.onnx.EncoderCache;
import org.codaasr.model.onnx.OnnxConfig;
import org.codaasr.model.onnx.OnnxStreamingEncoder;
import org.junit.jupiter.api.Test;

/**
 * The shipped model's streaming graph (fp16-shared weights) under ONNX Runtime reproduces, chunk by chunk, the
 * chunk-masked PyTorch forward that export_streaming.py stored with it.
 */
class ShippedStreamingEncoderTest {

    static final Path SHIPPED = Path.of("asr-model/models/conformer-ctc-small");

    @Test
    void chunkByChunkOutputsMatchTheRecipesReference() throws Exception {
        float[][] expected = expected();
        float[][] got = stream(OnnxStreamingEncoder.FILE_NAME);
        assertEquals(expected.length, got.length);
        double maxDiff = 0;
        for (int t = 0; t < got.length; t++) {
            for (int v = 0; v < got[t].length; v++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[t][v] - expected[t][v]));
            }
        }
        assertTrue(maxDiff < 2e-3, "max |ORT - torch| over " + got.length + " frames = " + maxDiff);
    }

    /** The int8 graph (dynamic quantization) moves log-probs a little but keeps the best token of nearly every frame. */
    @Test
    void theInt8GraphKeepsTheBestTokenOfNearlyEveryFrame() throws Exception {
        float[][] expected = expected();
        float[][] got = stream(OnnxStreamingEncoder.INT8_FILE_NAME);
        int same = 0;
        for (int t = 0; t < got.length; t++) {
            same += argmax(got[t]) == argmax(expected[t]) ? 1 : 0;
        }
        assertTrue(same >= 0.9 * got.length, same + " of " + got.length + " frames keep their best token");
    }

    private static float[][] expected() throws Exception {
        return matrix(new ObjectMapper().readTree(SHIPPED.resolve("streaming-reference.json").toFile())
                .path("log_probs"));
    }

    private static float[][] stream(String file) throws Exception {
        JsonNode ref = new ObjectMapper().readTree(SHIPPED.resolve("streaming-reference.json").toFile());
        float[][] features = matrix(ref.path("features"));
        int chunk = ref.path("chunk_output_frames").asInt();
        try (OnnxStreamingEncoder encoder = OnnxStreamingEncoder.load(SHIPPED.resolve(file), OnnxConfig.defaults())) {
            assertEquals(ref.path("cache_frames").asInt(), encoder.shape().cacheFrames());
            EncoderCache cache = encoder.newCache();
            int out = (features.length - 7) / 4 + 1;
            float[][] all = new float[out][];
            for (int done = 0; done < out; done += chunk) {
                int n = Math.min(chunk, out - done);
                float[][] slice = Arrays.copyOfRange(features, 4 * done, 4 * (done + n - 1) + 7);
                float[][] lp = encoder.encode(new float[][][] {slice}, List.of(cache))[0];
                System.arraycopy(lp, 0, all, done, n);
            }
            return all;
        }
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            best = row[i] > row[best] ? i : best;
        }
        return best;
    }

    private static float[][] matrix(JsonNode rows) {
        float[][] m = new float[rows.size()][];
        for (int t = 0; t < m.length; t++) {
            m[t] = new float[rows.get(t).size()];
            for (int d = 0; d < m[t].length; d++) {
                m[t][d] = (float) rows.get(t).get(d).asDouble();
            }
        }
        return m;
    }
}
