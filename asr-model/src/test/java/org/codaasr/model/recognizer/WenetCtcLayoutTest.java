package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;
import org.junit.jupiter.api.Test;

/**
 * A model in the WeNet CTC layout of sherpa-onnx's export script (a tiny random graph built to that contract by
 * {@code asr-model/training/tools/make_layout_fixtures.py}: {@code x}/{@code x_lens} in, {@code log_probs} and int64
 * {@code log_probs_lens} out, {@code model_type=wenet_ctc}, WeNet's {@code units.txt} with {@code <blank>} first)
 * through the same {@link Recognizer}: Kaldi fbank in, the log-probabilities and greedy transcript PyTorch gives.
 */
class WenetCtcLayoutTest {

    static final Path DIR = Path.of("asr-model/src/test/resources/models/tiny-wenet-ctc");
    static final Path INPUT = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc/input.wav");

    @Test
    void theGraphIsReadAsWenetsWithItsOutputLengths() {
        try (OnnxAcousticModel model = OnnxAcousticModel.load(DIR.resolve("model.onnx"), OnnxConfig.defaults())) {
            ModelInfo info = model.info();
            assertEquals(ModelLayout.WENET_CTC, info.layout());
            assertEquals("wenet_ctc", info.modelType());
            assertEquals(17, info.vocabSize());
            assertEquals("log_probs_lens", info.outputLengthsOutput());
        }
    }

    @Test
    void logProbabilitiesAndTheGreedyTranscriptAreThoseOfPyTorch() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
        AudioData audio = AudioDecoder.load(INPUT, 16000);
        try (Recognizer recognizer = Recognizer.load(NemoCtcLayoutTest.greedy(DIR))) {
            assertEquals(0, recognizer.vocabulary().blankId(), "<blank> first, as in WeNet's units.txt");
            float[][] logProbs = recognizer.logProbs(audio);
            assertEquals(ref.get("outputFrames").asInt(), logProbs.length, "the graph's own output lengths");
            double worst = 0;
            for (int t = 0; t < logProbs.length; t++) {
                for (int v = 0; v < logProbs[t].length; v++) {
                    worst = Math.max(worst, Math.abs(logProbs[t][v] - ref.get("logProbs").get(t).get(v).asDouble()));
                }
            }
            assertTrue(worst < 5e-3, "largest log-probability difference " + worst);
            assertEquals(ref.get("text").asText(), recognizer.transcribe(audio).text());
            List<RecognitionResult> finals = recognizer.transcribeStreaming(audio, 1600);
            assertTrue(!finals.isEmpty(), "its streaming decoding runs through the same chunked windows");
        }
    }
}
