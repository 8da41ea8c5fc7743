package org.codaasr.model.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.codaasr.model.audio.AudioDecoder;
import org.junit.jupiter.api.Test;

/**
 * The NeMo front end against {@code torch.stft} + {@code torchaudio.functional.melscale_fbanks} in float64
 * ({@code asr-model/training/tools/make_layout_fixtures.py}), on the fixture's test signal.
 */
class NemoMelSpectrogramTest {

    static final Path FIXTURE = Path.of("asr-model/src/test/resources/models/tiny-nemo-ctc");

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
    }

    @Test
    void perFeatureLogMelMatchesTheTorchReference() throws IOException {
        JsonNode ref = reference();
        float[] samples = AudioDecoder.load(FIXTURE.resolve("input.wav"), 16000).samples();
        assertEquals(ref.get("samples").asInt(), samples.length);
        float[][] features = new NemoMelSpectrogram(80, true).compute(samples);
        JsonNode expected = ref.get("features");
        assertEquals(expected.size(), features.length);
        assertEquals(161, NemoMelSpectrogram.numFrames(samples.length));
        double worst = 0;
        for (int f = 0; f < features.length; f++) {
            for (int b = 0; b < 80; b++) {
                worst = Math.max(worst, Math.abs(features[f][b] - expected.get(f).get(b).asDouble()));
            }
        }
        assertTrue(worst < 2e-4, "largest difference " + worst);
    }

    @Test
    void slaneyScaleAndFiltersHaveLibrosasReferencePoints() {
        assertEquals(15.0, NemoMelSpectrogram.hzToMel(1000), 1e-12, "linear below 1 kHz: 1000 Hz is mel 15");
        assertEquals(1000 * Math.exp(Math.log(6.4) / 27 * 12), NemoMelSpectrogram.melToHz(27), 1e-9);
        assertEquals(4321.0, NemoMelSpectrogram.melToHz(NemoMelSpectrogram.hzToMel(4321.0)), 1e-9);
        double[][] banks = NemoMelSpectrogram.slaneyMelBanks(80, 512, 16000, 0, 8000);
        for (double[] bank : banks) {
            double area = 0;
            for (int k = 0; k < bank.length; k++) {
                area += bank[k] * 16000.0 / 512;
            }
            assertTrue(area > 0.5 && area < 1.5, "Slaney norm: about unit area in Hz, got " + area);
        }
        double[] hann = NemoMelSpectrogram.symmetricHann(400);
        assertEquals(0.0, hann[0], 1e-15);
        assertEquals(0.0, hann[399], 1e-15);
    }

    @Test
    void withoutNormalizationTheLogGuardKeepsSilenceFinite() {
        float[][] silence = new NemoMelSpectrogram(80, false).compute(new float[1600]);
        assertEquals(11, silence.length);
        assertEquals(Math.log(NemoMelSpectrogram.LOG_GUARD), silence[5][40], 1e-6);
        float[][] one = new NemoMelSpectrogram(80, true).compute(new float[10]);
        assertEquals(1, one.length);
        assertTrue(Float.isFinite(one[0][0]));
    }
}
