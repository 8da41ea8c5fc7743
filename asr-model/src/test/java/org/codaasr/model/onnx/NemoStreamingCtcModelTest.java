package org.codaasr.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.codaasr.model.AsrException;
import org.junit.jupiter.api.Test;

/**
 * NeMo's cache-aware streaming CTC contract read from a tiny model built to it by
 * {@code make_layout_fixtures.py} ({@code tiny-nemo-streaming-ctc}); its parity with sherpa-onnx's OnlineRecognizer is
 * {@code SherpaOnnxParityTest} in {@code eval}.
 */
class NemoStreamingCtcModelTest {

    static final Path MODELS = Path.of("asr-model/src/test/resources/models");

    @Test
    void theWindowShiftAndCachesComeFromTheMetadataAndTheCachesCarry() {
        try (NemoStreamingCtcModel model = NemoStreamingCtcModel.load(
                MODELS.resolve("tiny-nemo-streaming-ctc/model.onnx"), OnnxConfig.defaults())) {
            assertEquals(17, model.windowSize());
            assertEquals(8, model.chunkShift());
            assertEquals(16, model.vocabSize(), "vocab_size counts no blank; the output adds <blk>");
            NemoStreamingCtcModel.State start = model.initialState();
            assertEquals(4 * 32, start.cacheLastChannel().length);
            assertEquals(32 * 2, start.cacheLastTime().length);
            float[][] window = new float[17][80];
            for (float[] row : window) {
                Arrays.fill(row, 3f);
            }
            NemoStreamingCtcModel.Chunk first = model.run(window, start);
            assertEquals(2, first.logProbs().length, "chunk_shift / 4 output frames per call");
            assertEquals(2, first.next().cacheLastChannelLen());
            NemoStreamingCtcModel.Chunk second = model.run(window, first.next());
            assertEquals(4, second.next().cacheLastChannelLen());
            assertTrue(!Arrays.equals(first.logProbs()[0], second.logProbs()[0]),
                    "the same window after other caches gives other log-probabilities");
            assertThrows(IllegalArgumentException.class, () -> model.run(new float[16][80], start));
        }
    }

    @Test
    void anOfflineNemoModelIsRefusedNamingTheInputsExpected() {
        AsrException e = assertThrows(AsrException.class, () -> NemoStreamingCtcModel.load(
                MODELS.resolve("tiny-nemo-ctc/model.onnx"), OnnxConfig.defaults()));
        assertTrue(e.getMessage().contains("cache_last_channel") && e.getMessage().contains("tiny-nemo-ctc"),
                e.getMessage());
    }
}
