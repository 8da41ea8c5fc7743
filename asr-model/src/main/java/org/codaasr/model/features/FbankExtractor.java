package org.codaasr.model.features;

import org.jtransforms.fft.DoubleFFT_1D;

import java.util.Arrays;
import java.util.Objects;

/**
 * Kaldi-compatible log-mel filterbank (what {@code torchaudio.compliance.kaldi.fbank} computes with
 * snip_edges, povey window, power spectrum, no energy, no dither). Holds the precomputed window and
 * mel banks; immutable apart from a per-thread FFT, so one instance can be shared by all threads.
 *
 * <p>Each frame is computed from its own samples only (DC removal and pre-emphasis are per frame in
 * Kaldi), which is what lets {@link StreamingFbank} reproduce these frames bit for bit.
 *
 * <p>The signal path is computed in double and rounded to float at the end (only the mel weights are
 * built in float32, exactly as torchaudio builds them, see KaldiFrameDsp#melBanks). The FFT is JTransforms'
 * {@link DoubleFFT_1D}, not TarsosDSP's {@code be.tarsos.dsp.util.fft.FFT}: Tarsos only offers a
 * float32 transform, and its rounding error is absolute (relative to the whole frame's energy), so on
 * quiet low-frequency mel bins it moved log energies by up to 2e-3 from the exact value on LibriSpeech
 * test-other. With the double FFT this class matches a float64 evaluation of the torchaudio recipe to
 * float rounding (see FbankReferenceParityTest).
 */
public final class FbankExtractor {

    /** torch.finfo(torch.float).eps, Kaldi's floor before the log. */
    static final double LOG_FLOOR = Math.ulp(1.0f);

    private final FbankConfig config;
    private final int windowSize;
    private final int windowShift;
    private final int paddedSize;
    private final double[] window;
    /** Non-zero span of each mel filter: weights start at bankStart[b] in FFT-bin index. */
    private final int[] bankStart;
    private final double[][] bankWeights;
    // DoubleFFT_1D only reads its tables for this size, but its thread-safety is not documented
    private final ThreadLocal<DoubleFFT_1D> fft;

    public FbankExtractor(FbankConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.windowSize = config.windowSize();
        this.windowShift = config.windowShift();
        this.paddedSize = config.paddedWindowSize();
        this.window = KaldiFrameDsp.poveyWindow(windowSize);
        double[][] banks = KaldiFrameDsp.melBanks(config);
        this.bankStart = new int[banks.length];
        this.bankWeights = new double[banks.length][];
        for (int b = 0; b < banks.length; b++) {
            int first = 0;
            while (first < banks[b].length && banks[b][first] == 0.0) {
                first++;
            }
            int last = banks[b].length - 1;
            while (last >= first && banks[b][last] == 0.0) {
                last--;
            }
            bankStart[b] = first;
            bankWeights[b] = Arrays.copyOfRange(banks[b], first, Math.max(first, last + 1));
        }
        int size = paddedSize;
        this.fft = ThreadLocal.withInitial(() -> new DoubleFFT_1D(size));
    }

    /** Extractor with {@link FbankConfig#defaults()}. */
    public static FbankExtractor withDefaults() {
        return new FbankExtractor(FbankConfig.defaults());
    }

    public FbankConfig config() {
        return config;
    }

    /** Feature dimension (number of mel bins). */
    public int numMelBins() {
        return bankWeights.length;
    }

    /** Frames for {@code numSamples} samples with snip_edges: 1 + (n - window) / shift, 0 if n < window. */
    public int numFrames(int numSamples) {
        return numSamples < windowSize ? 0 : 1 + (numSamples - windowSize) / windowShift;
    }

    /** Log-mel features [numFrames][numMelBins] of float samples in [-1, 1]. */
    public float[][] compute(float[] samples) {
        Objects.requireNonNull(samples, "samples");
        int frames = numFrames(samples.length);
        float[][] out = new float[frames][];
        for (int f = 0; f < frames; f++) {
            out[f] = computeFrame(samples, f * windowShift);
        }
        return out;
    }

    int windowSize() {
        return windowSize;
    }

    int windowShift() {
        return windowShift;
    }

    /** One frame from samples[offset .. offset + windowSize). */
    float[] computeFrame(float[] samples, int offset) {
        double[] frame = new double[windowSize];
        double scale = config.inputScale();
        for (int i = 0; i < windowSize; i++) {
            frame[i] = samples[offset + i] * scale;
        }
        if (config.removeDcOffset()) {
            KaldiFrameDsp.removeDcOffset(frame);
        }
        if (config.preemphasis() != 0.0) {
            KaldiFrameDsp.preemphasize(frame, config.preemphasis());
        }
        double[] spectrum = new double[paddedSize];
        for (int i = 0; i < windowSize; i++) {
            spectrum[i] = frame[i] * window[i];
        }
        fft.get().realForward(spectrum);
        double[] power = powerSpectrum(spectrum);
        float[] features = new float[bankWeights.length];
        for (int b = 0; b < bankWeights.length; b++) {
            double[] weights = bankWeights[b];
            int start = bankStart[b];
            double energy = 0;
            for (int k = 0; k < weights.length; k++) {
                energy += weights[k] * power[start + k];
            }
            features[b] = (float) Math.log(Math.max(energy, LOG_FLOOR));
        }
        return features;
    }

    /**
     * |X[k]|^2 for k in [0, paddedSize/2) from JTransforms' packed real-FFT layout
     * (a[0] = Re X[0], a[1] = Re X[n/2], a[2k] = Re X[k], a[2k+1] = Im X[k]).
     * The Nyquist bin is left out: no mel filter weights it.
     */
    private static double[] powerSpectrum(double[] packed) {
        int half = packed.length / 2;
        double[] power = new double[half];
        double dc = packed[0];
        power[0] = dc * dc;
        for (int k = 1; k < half; k++) {
            double re = packed[2 * k];
            double im = packed[2 * k + 1];
            power[k] = re * re + im * im;
        }
        return power;
    }
}
