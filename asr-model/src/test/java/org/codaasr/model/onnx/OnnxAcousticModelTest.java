package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.Test;

class OnnxAcousticModelTest {

    static final Path TINY = Path.of("asr-model/src/test/resources/models/tiny-ctc");

    @Test
    void contractIsReadFromTheGraphAndStreamingFramesAreOutputFrames() {
        try (OnnxAcousticModel model = OnnxAcousticModel.load(TINY.resolve("model.onnx"), OnnxConfig.defaults())) {
            ModelInfo info = model.info();
            assertEquals("features", info.featuresInput());
            assertEquals("feature_lengths", info.lengthsInput());
            assertEquals("log_probs", info.logProbsOutput());
            assertEquals(80, info.featureDim());
            assertEquals(29, info.vocabSize());
            assertEquals(4, info.subsamplingFactor());
            assertEquals("input fbank frames (10 ms)", info.metadata().get("streaming_frame_unit"));
            assertEquals(Integer.parseInt(info.metadata().get("chunk_frames")) / 4, info.chunkFrames());
            assertEquals(Integer.parseInt(info.metadata().get("left_context_frames")) / 4, info.leftContextFrames());
            assertEquals(7, model.minInputFrames());
            assertEquals("CPU", model.provider());
        }
    }

    /** ONNX Runtime in Java reproduces the PyTorch outputs the recipe stored for a padded two-utterance batch. */
    @Test
    void onnxRuntimeMatchesPyTorchOnAPaddedBatch() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(TINY.resolve("reference-io.json").toFile());
        JsonNode feats = ref.path("features");
        JsonNode lens = ref.path("feature_lengths");
        assertTrue(feats.isArray() && lens.isArray(), "reference-io.json has features and feature_lengths");
        int batch = feats.size();
        float[][][] x = new float[batch][][];
        int[] l = new int[batch];
        for (int b = 0; b < batch; b++) {
            x[b] = new float[feats.get(b).size()][];
            for (int t = 0; t < x[b].length; t++) {
                JsonNode row = feats.get(b).get(t);
                x[b][t] = new float[row.size()];
                for (int d = 0; d < row.size(); d++) {
                    x[b][t][d] = (float) row.get(d).asDouble();
                }
            }
            l[b] = lens.get(b).asInt();
        }
        try (OnnxAcousticModel model = OnnxAcousticModel.load(TINY.resolve("model.onnx"), OnnxConfig.defaults())) {
            float[][][] out = model.logProbs(x, l);
            JsonNode expected = ref.path("log_probs");
            double maxDiff = 0;
            for (int b = 0; b < batch; b++) {
                assertEquals(ref.path("log_prob_lengths").get(b).asInt(), out[b].length);
                for (int t = 0; t < out[b].length; t++) {
                    for (int v = 0; v < out[b][t].length; v++) {
                        maxDiff = Math.max(maxDiff, Math.abs(out[b][t][v] - expected.get(b).get(t).get(v).asDouble()));
                    }
                }
            }
            assertTrue(maxDiff < 1e-4, "max |ORT - torch| = " + maxDiff);
        }
    }

    @Test
    void missingModelFileIsAClearError() {
        AsrException e = assertThrows(AsrException.class,
                () -> OnnxAcousticModel.load(Path.of("nope/model.onnx"), OnnxConfig.defaults()));
        assertTrue(e.getMessage().contains("nope/model.onnx"), e.getMessage());
    }

    @Test
    void closingWhileAnotherThreadDecodesWaitsForItAndLaterCallsFailClearly() throws Exception {
        OnnxAcousticModel model = OnnxAcousticModel.load(TINY.resolve("model.onnx"), OnnxConfig.defaults());
        float[][][] batch = new float[4][400][80];
        int[] lengths = {400, 400, 400, 400};
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger runs = new AtomicInteger();
        Thread decoder = new Thread(() -> {
            try {
                while (true) {
                    assertEquals(4, model.logProbs(batch, lengths).length);
                    runs.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        decoder.start();
        while (runs.get() < 3) {
            Thread.sleep(5);
        }
        model.close(); // the process survives: no run touches the freed session
        decoder.join(10_000);
        assertInstanceOf(ModelClosedException.class, failure.get());
        assertTrue(failure.get().getMessage().contains("is closed"), failure.get().getMessage());
        model.close(); // twice is fine
    }
}
