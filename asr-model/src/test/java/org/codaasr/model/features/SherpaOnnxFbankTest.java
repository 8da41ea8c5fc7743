package org.codaasr.model.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * sherpa-onnx's front end against float64 references computed with torchaudio
 * ({@code asr-model/training/tools/make_sherpa_fbank_reference.py}), and the settings of each preset.
 */
class SherpaOnnxFbankTest {

    static final Path REFERENCE = Path.of("asr-model/src/test/resources/fbank/sherpa-onnx-reference.json");

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "wenet", "nemo"})
    void featuresAreTheReferenceValues(String preset) throws IOException {
        JsonNode ref = new ObjectMapper().readTree(REFERENCE.toFile());
        JsonNode pcm = ref.get("pcm");
        float[] samples = new float[pcm.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = pcm.get(i).asInt() / 32768f;
        }
        SherpaOnnxFbankConfig config = switch (preset) {
            case "defaults" -> SherpaOnnxFbankConfig.defaults();
            case "wenet" -> SherpaOnnxFbankConfig.forWenetCtc();
            default -> SherpaOnnxFbankConfig.forNemoCtc(true);
        };
        float[][] features = new SherpaOnnxFbank(config).compute(samples);
        JsonNode expected = ref.get(preset);
        assertEquals(expected.size(), features.length, "round(samples / 160) frames without snip edges");
        double worst = 0;
        for (int t = 0; t < features.length; t++) {
            for (int b = 0; b < features[t].length; b++) {
                worst = Math.max(worst, Math.abs(features[t][b] - expected.get(t).get(b).asDouble()));
            }
        }
        // kaldi-native-fbank's float arithmetic (reproduced here) against float64
        assertTrue(worst < 2e-3, preset + ": largest difference " + worst);
    }

    @Test
    void framesAreCentredAndTheSignalMirroredAsKaldiMirrorsIt() {
        assertEquals(50, SherpaOnnxFrameDsp.numFrames(8000, 400, 160, false));
        assertEquals(51, SherpaOnnxFrameDsp.numFrames(8080, 400, 160, false), "rounded, not truncated");
        assertEquals(48, SherpaOnnxFrameDsp.numFrames(8000, 400, 160, true));
        assertEquals(-120, SherpaOnnxFrameDsp.firstSample(0, 400, 160, false));
        assertEquals(40, SherpaOnnxFrameDsp.firstSample(1, 400, 160, false));
        assertEquals(0, SherpaOnnxFrameDsp.reflect(-1, 10));
        assertEquals(1, SherpaOnnxFrameDsp.reflect(-2, 10));
        assertEquals(9, SherpaOnnxFrameDsp.reflect(10, 10));
        assertEquals(8, SherpaOnnxFrameDsp.reflect(11, 10));
        assertEquals(0, new SherpaOnnxFbank(SherpaOnnxFbankConfig.defaults()).compute(new float[0]).length);
    }

    @Test
    void theHannWindowIsPeriodicAndThePoveyWindowSymmetric() {
        float[] hann = SherpaOnnxFrameDsp.window(SherpaOnnxFbankConfig.Window.HANN, 400);
        assertEquals(0.0, hann[0], 0.0);
        assertEquals(1.0, hann[200], 1e-7, "periodic: the peak is at N / 2");
        assertEquals(hann[1], hann[399], 1e-7);
        float[] povey = SherpaOnnxFrameDsp.window(SherpaOnnxFbankConfig.Window.POVEY, 400);
        assertEquals(0.0, povey[399], 1e-7, "symmetric: zero at both ends");
        assertEquals(Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * 100 / 399), 0.85), povey[100], 1e-7);
    }

    @Test
    void slaneyFiltersAreAreaNormalisedAndKaldiFiltersPeakAtOne() {
        float[][] slaney = SherpaOnnxFrameDsp.melBanks(SherpaOnnxFbankConfig.forNemoCtc(false));
        assertEquals(257, slaney[0].length, "librosa's filters reach the Nyquist bin");
        float[][] kaldi = SherpaOnnxFrameDsp.melBanks(SherpaOnnxFbankConfig.defaults());
        assertEquals(256, kaldi[0].length);
        float peak = 0;
        for (float w : kaldi[40]) {
            peak = Math.max(peak, w);
        }
        assertTrue(peak > 0.9f && peak <= 1f, "Kaldi's triangles peak near 1, got " + peak);
        // Slaney norm: peak 2 / (right - left) Hz, unit area in Hz, so the weights sum to about 1 / bin width
        double sum = 0;
        for (float w : slaney[40]) {
            sum += w;
        }
        assertEquals(1.0 / 31.25, sum, 0.002);
        assertEquals(0.0, kaldi[0][0], 0.0, "20 Hz low edge: no DC");
    }

    @Test
    void eachPresetSaysWhatSherpaOnnxSetsForItsLayout() {
        SherpaOnnxFbankConfig d = SherpaOnnxFbankConfig.defaults();
        assertFalse(d.snipEdges());
        assertEquals(7600.0, d.resolvedHighFreq());
        assertEquals(20.0, d.lowFreq());
        assertEquals(1.0, d.inputScale(), "samples stay in [-1, 1]");
        assertEquals(32768.0, SherpaOnnxFbankConfig.forWenetCtc().inputScale());
        SherpaOnnxFbankConfig n = SherpaOnnxFbankConfig.forNemoCtc(true);
        assertArrayEquals(new Object[] {SherpaOnnxFbankConfig.Window.HANN, SherpaOnnxFbankConfig.MelScale.SLANEY,
                        false, 0.0, 8000.0, true},
                new Object[] {n.window(), n.melScale(), n.removeDcOffset(), n.lowFreq(), n.resolvedHighFreq(),
                        n.perFeature()});
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SherpaOnnxFbankConfig(
                16000, 80, 25, 10, 0.97, true, SherpaOnnxFbankConfig.Window.POVEY, SherpaOnnxFbankConfig.MelScale.KALDI,
                9000, -400, 1.0, false, false));
        assertTrue(e.getMessage().contains("lowFreq"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SherpaOnnxFbankConfig(16000, 80, 25, 30, 0.97, true,
                SherpaOnnxFbankConfig.Window.POVEY, SherpaOnnxFbankConfig.MelScale.KALDI, 20, -400, 1.0, false, false));
    }
}
