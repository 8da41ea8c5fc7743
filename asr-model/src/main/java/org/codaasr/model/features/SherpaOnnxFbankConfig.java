package org.codaasr.model.features;

/**
 * Settings of sherpa-onnx's feature extractor (kaldi-native-fbank, as sherpa-onnx's {@code FeatureExtractorConfig}
 * and {@code OfflineRecognizerCtcImpl::Init} set it), so that a model can be fed exactly what sherpa-onnx feeds it.
 * sherpa-onnx's defaults differ from this project's recipe ({@link FbankConfig#defaults()}) in four ways: frames are
 * centred ({@code snip_edges = false}: {@code round(n / shift)} frames, the signal mirrored at both ends), the mel
 * filters span 20 Hz to Nyquist - 400 Hz, samples stay in [-1, 1], and each model type may change a few settings
 * ({@link #forWenetCtc()}, {@link #forNemoCtc(boolean)}).
 *
 * @param sampleRate     samples per second
 * @param numMelBins     mel filters (feature dimension)
 * @param frameLengthMs  window length in milliseconds
 * @param frameShiftMs   hop in milliseconds
 * @param preemphasis    Kaldi's per-frame pre-emphasis coefficient, 0 turns it off
 * @param removeDcOffset subtract each frame's mean first
 * @param window         the window function
 * @param melScale       Kaldi's HTK mel filters or librosa's Slaney-normalised Slaney filters
 * @param lowFreq        lower edge of the first filter in Hz
 * @param highFreq       upper edge of the last filter in Hz; {@code <= 0} counts from Nyquist
 * @param inputScale     factor on the samples (32768 where sherpa-onnx sets {@code normalize_samples = false})
 * @param snipEdges      Kaldi's snip_edges: only whole frames inside the signal
 * @param perFeature     normalise each bin over the utterance (NeMo's {@code normalize_type = per_feature} as
 *                       sherpa-onnx computes it: population variance, {@code 1 / (std + 1e-5)})
 */
public record SherpaOnnxFbankConfig(int sampleRate, int numMelBins, double frameLengthMs, double frameShiftMs,
                                    double preemphasis, boolean removeDcOffset, Window window, MelScale melScale,
                                    double lowFreq, double highFreq, double inputScale, boolean snipEdges,
                                    boolean perFeature) {

    /** Window functions of kaldi-native-fbank used here. */
    public enum Window {
        /** Kaldi's: the symmetric Hann window raised to 0.85. */
        POVEY,
        /** kaldi-native-fbank's "hann": the periodic Hann window, {@code 0.5 - 0.5 cos(2 pi i / N)}. */
        HANN
    }

    /** How the mel filters are built. */
    public enum MelScale {
        /** Kaldi: triangles on 1127 ln(1 + f / 700) over the FFT bins below Nyquist. */
        KALDI,
        /** librosa (kaldi-native-fbank's is_librosa): Slaney mel scale, Slaney area normalisation, Nyquist bin too. */
        SLANEY
    }

    public SherpaOnnxFbankConfig {
        require(sampleRate > 0, "sampleRate must be > 0, got " + sampleRate);
        require(numMelBins >= 3, "numMelBins must be >= 3, got " + numMelBins);
        require(frameLengthMs > 0 && frameShiftMs > 0 && frameShiftMs <= frameLengthMs,
                "need 0 < frameShiftMs <= frameLengthMs, got " + frameShiftMs + " and " + frameLengthMs);
        require(preemphasis >= 0 && preemphasis <= 1, "preemphasis must be in [0, 1], got " + preemphasis);
        require(window != null && melScale != null, "window and melScale must be given");
        double nyquist = 0.5 * sampleRate;
        double high = highFreq <= 0 ? nyquist + highFreq : highFreq;
        require(lowFreq >= 0 && lowFreq < high && high <= nyquist,
                "need 0 <= lowFreq < highFreq <= Nyquist (" + nyquist + " Hz), got " + lowFreq + " and " + high);
        require(inputScale > 0 && Double.isFinite(inputScale), "inputScale must be > 0, got " + inputScale);
        int size = samples(sampleRate, frameLengthMs);
        int shift = samples(sampleRate, frameShiftMs);
        require(size >= 2 && shift >= 1, "frames of " + size + " samples every " + shift + " are too short");
    }

    /**
     * sherpa-onnx's defaults ({@code FeatureExtractorConfig}), which its transducers and online CTC models get:
     * 16 kHz, 80 bins, 25/10 ms, dither 0, no snip edges, povey window, pre-emphasis 0.97, DC removed,
     * 20 Hz to 7600 Hz, Kaldi mel filters, samples in [-1, 1], no normalisation.
     */
    public static SherpaOnnxFbankConfig defaults() {
        return new SherpaOnnxFbankConfig(16000, 80, 25, 10, 0.97, true, Window.POVEY, MelScale.KALDI, 20, -400, 1.0,
                false, false);
    }

    /** What sherpa-onnx's offline CTC recogniser sets for WeNet CTC models: the defaults with samples x 32768. */
    public static SherpaOnnxFbankConfig forWenetCtc() {
        SherpaOnnxFbankConfig d = defaults();
        return new SherpaOnnxFbankConfig(d.sampleRate, d.numMelBins, d.frameLengthMs, d.frameShiftMs, d.preemphasis,
                d.removeDcOffset, d.window, d.melScale, d.lowFreq, d.highFreq, 32768.0, d.snipEdges, false);
    }

    /**
     * What sherpa-onnx's offline CTC recogniser sets for NeMo CTC models: low 0 Hz, high Nyquist, librosa (Slaney)
     * filters, no DC removal, periodic Hann window; the rest as the defaults (per-frame pre-emphasis, no snip edges,
     * [-1, 1]), then the model's {@code normalize_type} ({@code per_feature} or none).
     */
    public static SherpaOnnxFbankConfig forNemoCtc(boolean perFeature) {
        SherpaOnnxFbankConfig d = defaults();
        return new SherpaOnnxFbankConfig(d.sampleRate, d.numMelBins, d.frameLengthMs, d.frameShiftMs, d.preemphasis,
                false, Window.HANN, MelScale.SLANEY, 0, 0, 1.0, d.snipEdges, perFeature);
    }

    /** Samples per frame, truncated as kaldi-native-fbank truncates (400 at 16 kHz). */
    public int windowSize() {
        return samples(sampleRate, frameLengthMs);
    }

    /** Samples between frames (160 at 16 kHz). */
    public int windowShift() {
        return samples(sampleRate, frameShiftMs);
    }

    // kaldi-native-fbank: static_cast<int32_t>(samp_freq * 0.001f * frame_length_ms), in float
    private static int samples(int sampleRate, double ms) {
        return (int) ((float) sampleRate * 0.001f * (float) ms);
    }

    /** FFT size: the window rounded up to a power of two. */
    public int paddedWindowSize() {
        int size = windowSize();
        return size == Integer.highestOneBit(size) ? size : Integer.highestOneBit(size) << 1;
    }

    /** The upper filter edge in Hz after resolving {@code highFreq <= 0}. */
    public double resolvedHighFreq() {
        return highFreq <= 0 ? 0.5 * sampleRate + highFreq : highFreq;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid SherpaOnnxFbankConfig: " + message);
        }
    }
}
