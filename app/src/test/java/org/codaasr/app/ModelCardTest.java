package org.codaasr.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.codaasr.model.AsrException;
import org.codaasr.model.onnx.CodaVariant;
import org.codaasr.model.recognizer.AdaptiveRouting;
import org.codaasr.model.recognizer.DecodingConfig;
import org.codaasr.model.recognizer.EncoderChoice;
import org.codaasr.model.recognizer.RecognizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

    private static final Path LM = Path.of("librivox-char6gram.arpa.gz");

    private static RecognizerConfig config(boolean int8, EncoderChoice encoder, DecodingConfig decoding) {
        RecognizerConfig c = RecognizerConfig.defaults().withDecoding(decoding);
        return new RecognizerConfig(c.modelDir(), c.variant(), int8, c.onnx(), decoding,
                c.streaming().withEncoder(encoder));
    }

    @Test
    void keysNameTheDecodingAsTheShippedCardDoes() {
        DecodingConfig greedy = DecodingConfig.greedy();
        DecodingConfig beamLm = DecodingConfig.beam(32, LM, 0.8, 1.0);
        assertEquals("greedy", ModelCard.figureKey(config(false, EncoderChoice.FP32, greedy), false, true));
        assertEquals("int8", ModelCard.figureKey(config(true, EncoderChoice.FP32, greedy), false, true));
        assertEquals("streaming", ModelCard.figureKey(config(false, EncoderChoice.FP32, greedy), true, true));
        assertEquals("streaming_windowed",
                ModelCard.figureKey(config(false, EncoderChoice.WINDOWED, greedy), true, true));
        assertEquals("beam32_char_lm", ModelCard.figureKey(config(false, EncoderChoice.FP32, beamLm), false, true));
        assertEquals("streaming_int8_beam32_char_lm",
                ModelCard.figureKey(config(false, EncoderChoice.INT8, beamLm), true, true));
        assertEquals("beam10_no_lm", ModelCard.figureKey(config(false, EncoderChoice.FP32,
                DecodingConfig.beam(10, null, 0, 0)), false, true));
        assertEquals("beam32_lm_word3gram", ModelCard.figureKey(config(false, EncoderChoice.FP32,
                DecodingConfig.beam(32, Path.of("word3gram.arpa"), 0.8, 1.0)), false, false));
    }

    @Test
    void refusesSettingsTheCardDoesNotHold() {
        RecognizerConfig coda = config(false, EncoderChoice.FP32, DecodingConfig.greedy()).withVariant(CodaVariant.CODA_R4);
        assertThrows(IllegalArgumentException.class, () -> ModelCard.figureKey(coda, false, true));
        RecognizerConfig tuned = config(false, EncoderChoice.FP32, DecodingConfig.beam(32, LM, 0.5, 1.0));
        assertThrows(IllegalArgumentException.class, () -> ModelCard.figureKey(tuned, false, true));
        RecognizerConfig adaptive = config(false, EncoderChoice.FP32, DecodingConfig.greedy());
        RecognizerConfig withAdaptive = new RecognizerConfig(adaptive.modelDir(), adaptive.variant(), false,
                adaptive.onnx(), adaptive.decoding(), adaptive.streaming().withAdaptive(
                        new AdaptiveRouting(List.of(CodaVariant.ADAPTER, CodaVariant.CODA_R2), 0.4, 0.1, 4)));
        assertThrows(IllegalArgumentException.class, () -> ModelCard.figureKey(withAdaptive, true, true));
    }

    @Test
    void recordingAFigureChangesThatLineOnly(@TempDir Path dir) throws Exception {
        Path shipped = Path.of("asr-model/models/conformer-ctc-small/model-card.json");
        Path card = dir.resolve("model-card.json");
        Files.copy(shipped, card);
        ModelCard.recordWer(dir, "int8", 12.345);
        List<String> before = Files.readAllLines(shipped, StandardCharsets.UTF_8);
        List<String> after = Files.readAllLines(card, StandardCharsets.UTF_8);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).matches("  \"int8\": [0-9.]+,")) { // java_dev_wer's, not the onnx section's
                assertEquals("  \"int8\": 12.35,", after.get(i));
            } else {
                assertEquals(before.get(i), after.get(i), "line " + (i + 1));
            }
        }
        ModelCard.recordWer(dir, "streaming_int8", 61.4);
        assertEquals(true, Files.readString(card).contains("\"streaming_int8\": 61.40"));
        assertThrows(AsrException.class, () -> ModelCard.recordWer(dir.resolve("missing"), "greedy", 1));
    }
}
