package org.codaasr.model.recognizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.codaasr.model.AsrException;
import org.codaasr.model.audio.AudioData;
import org.codaasr.model.audio.AudioDecoder;
import org.codaasr.model.features.NemoMelSpectrogram;
import org.codaasr.model.onnx.ModelInfo;
import org.codaasr.model.onnx.ModelLayout;
import org.codaasr.model.onnx.OnnxAcousticModel;
import org.codaasr.model.onnx.OnnxConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model in sherpa-onnx's NeMo CTC layout (a tiny random graph built to that contract by
 * {@code asr-model/training/tools/make_layout_fixtures.py}: {@code audio_signal [N, 80, T]} + {@code length} in,
 * {@code logprobs} out with the blank last, its metadata, a {@code "<piece> <id>"} token list) behind the same
 * {@link Recognizer} as this project's models: the features, the tensor layout and the decoding must give what
 * PyTorch gives on the same audio.
 */
class NemoCtcLayoutTest {

    static final Path DIR = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc");

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
    }

    static RecognizerConfig greedy(Path dir) {
        return RecognizerConfig.defaults().withModelDir(dir).withDecoding(DecodingConfig.greedy());
    }

    @Test
    void theLayoutAndItsMetadataAreReadFromTheGraph() {
        try (OnnxAcousticModel model = OnnxAcousticModel.load(DIR.resolve("model.onnx"), OnnxConfig.defaults())) {
            ModelInfo info = model.info();
            assertEquals(ModelLayout.NEMO_CTC, info.layout());
            assertEquals(80, info.featureDim());
            assertEquals(16, info.vocabSize());
            assertEquals(4, info.subsamplingFactor());
            assertEquals("per_feature", info.normalizeType());
            assertEquals("EncDecCTCModelBPE", info.modelType());
            assertEquals(null, info.outputLengthsOutput(), "output lengths are computed, as sherpa-onnx does");
        }
    }

    @Test
    void logProbabilitiesAndTheGreedyTranscriptAreThoseOfPyTorch() throws IOException {
        JsonNode ref = reference();
        AudioData audio = AudioDecoder.load(DIR.resolve("input.wav"), 16000);
        try (Recognizer recognizer = Recognizer.load(greedy(DIR))) {
            float[][] logProbs = recognizer.logProbs(audio);
            JsonNode expected = ref.get("logProbs");
            assertEquals(expected.size(), logProbs.length, "ceil(161 / 4) output frames");
            double worst = 0;
            List<Integer> argmax = new ArrayList<>();
            for (int t = 0; t < logProbs.length; t++) {
                int best = 0;
                for (int v = 0; v < logProbs[t].length; v++) {
                    worst = Math.max(worst, Math.abs(logProbs[t][v] - expected.get(t).get(v).asDouble()));
                    best = logProbs[t][v] > logProbs[t][best] ? v : best;
                }
                argmax.add(best);
            }
            assertTrue(worst < 2e-3, "largest log-probability difference " + worst);
            RecognitionResult result = recognizer.transcribe(audio);
            assertEquals(ref.get("text").asText(), result.text());
            assertTrue(!result.words().isEmpty() && result.words().get(0).endSeconds() <= audio.durationSeconds());
            assertEquals(0.04, recognizer.frameSeconds(), 1e-12, "4 x 10 ms per output frame");
        }
    }

    @Test
    void aPaddedBatchGivesEachEntryItsOwnFrames() {
        float[] samples = AudioDecoder.load(DIR.resolve("input.wav"), 16000).samples();
        NemoMelSpectrogram frontEnd = new NemoMelSpectrogram(80, true);
        float[][] whole = frontEnd.compute(samples);
        float[][] part = frontEnd.compute(Arrays.copyOf(samples, 8000));
        try (OnnxAcousticModel model = OnnxAcousticModel.load(DIR.resolve("model.onnx"), OnnxConfig.defaults())) {
            float[][] alone = model.logProbs(whole);
            float[][][] batch = model.logProbs(new float[][][] {whole, Arrays.copyOf(part, whole.length)},
                    new int[] {whole.length, part.length});
            assertEquals(alone.length, batch[0].length);
            for (int t = 0; t < alone.length; t++) {
                for (int v = 0; v < alone[t].length; v++) {
                    assertEquals(alone[t][v], batch[0][t][v], 1e-5);
                }
            }
            assertEquals((part.length + 3) / 4, batch[1].length, "the shorter entry: ceil(frames / 4)");
        }
    }

    @Test
    void liveStreamsAreRefusedNamingWhatTheModelCanDo() {
        try (Recognizer recognizer = Recognizer.load(greedy(DIR))) {
            assertTrue(!recognizer.supportsStreaming());
            AsrException e = assertThrows(AsrException.class, recognizer::createStream);
            assertTrue(e.getMessage().contains("NeMo CTC layout") && e.getMessage().contains("./asr transcribe"),
                    e.getMessage());
        }
    }

    @Test
    void aTokenListThatDoesNotBelongAndMissingMetadataAreClearErrors(@TempDir Path tmp) throws IOException {
        Path blankFirst = Files.createDirectories(tmp.resolve("blank-first"));
        Files.copy(DIR.resolve("model.onnx"), blankFirst.resolve("model.onnx"));
        List<String> tokens = new ArrayList<>(Files.readAllLines(DIR.resolve("tokens.txt"), StandardCharsets.UTF_8));
        List<String> moved = new ArrayList<>();
        moved.add("<blk> 0");
        for (int i = 0; i < tokens.size() - 1; i++) {
            moved.add(tokens.get(i).replaceFirst(" \\d+$", " " + (i + 1)));
        }
        Files.write(blankFirst.resolve("tokens.txt"), moved, StandardCharsets.UTF_8);
        AsrException e = assertThrows(AsrException.class, () -> Recognizer.load(greedy(blankFirst)));
        assertTrue(e.getMessage().contains("<blk> last"), e.getMessage());

        Path short15 = Files.createDirectories(tmp.resolve("short"));
        Files.copy(DIR.resolve("model.onnx"), short15.resolve("model.onnx"));
        Files.write(short15.resolve("tokens.txt"), tokens.subList(1, tokens.size()).stream()
                .map(l -> l.replaceFirst(" (\\d+)$", "")).toList(), StandardCharsets.UTF_8);
        e = assertThrows(AsrException.class, () -> Recognizer.load(greedy(short15)));
        assertTrue(e.getMessage().contains("16 tokens") && e.getMessage().contains("15"), e.getMessage());

        Path bare = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc-no-metadata/model.onnx");
        e = assertThrows(AsrException.class, () -> OnnxAcousticModel.load(bare, OnnxConfig.defaults()));
        assertTrue(e.getMessage().contains("no 'vocab_size' metadata") && e.getMessage().contains(bare.toString()),
                e.getMessage());
    }
}
