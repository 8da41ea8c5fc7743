package org.codaasr.model.features;

import java.util.Objects;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The log-mel features sherpa-onnx computes for a whole utterance (kaldi-native-fbank's {@code OnlineFbank} after
 * {@code InputFinished}, then NeMo's per-feature normalisation where the model asks for it), for parity with
 * sherpa-onnx and for models trained on its front end. Per frame: the frame (mirrored at the signal's ends when
 * edges are not snipped), samples scaled, DC removed, Kaldi pre-emphasis, window, power spectrum of the zero-padded
 * FFT, mel filters, {@code log(max(energy, float epsilon))}. Immutable apart from a per-thread FFT.
 */
public final class SherpaOnnxFbank implements FrontEnd {

    private static final double LOG_FLOOR = Math.ulp(1.0f);
    private static final double STD_FLOOR = 1e-5;

    private final SherpaOnnxFbankConfig config;
    private final int size;
    private final int shift;
    private final int padded;
    private final float[] window;
    /** Each filter's non-zero weights, from FFT bin {@code bankStart[b]} on (as kaldi-native-fbank stores them). */
    private final float[][] banks;
    private final int[] bankStart;
    private final ThreadLocal<DoubleFFT_1D> fft;

    public SherpaOnnxFbank(SherpaOnnxFbankConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.size = config.windowSize();
        this.shift = config.windowShift();
        this.padded = config.paddedWindowSize();
        this.window = SherpaOnnxFrameDsp.window(config.window(), size);
        float[][] dense = SherpaOnnxFrameDsp.melBanks(config);
        this.banks = new float[dense.length][];
        this.bankStart = new int[dense.length];
        for (int b = 0; b < dense.length; b++) {
            int first = 0;
            while (first < dense[b].length && dense[b][first] == 0f) {
                first++;
            }
            int last = dense[b].length - 1;
            while (last >= first && dense[b][last] == 0f) {
                last--;
            }
            bankStart[b] = first;
            banks[b] = java.util.Arrays.copyOfRange(dense[b], first, Math.max(first, last + 1));
        }
        int n = padded;
        this.fft = ThreadLocal.withInitial(() -> new DoubleFFT_1D(n));
    }

    public SherpaOnnxFbankConfig config() {
        return config;
    }

    public int numFrames(int samples) {
        return SherpaOnnxFrameDsp.numFrames(samples, size, shift, config.snipEdges());
    }

    /** Features [frames][bins] of samples in [-1, 1] at the configured rate. */
    @Override
    public float[][] compute(float[] samples) {
        Objects.requireNonNull(samples, "samples");
        int frames = samples.length == 0 ? 0 : numFrames(samples.length);
        double[][] out = new double[frames][];
        for (int f = 0; f < frames; f++) {
            out[f] = frame(samples, SherpaOnnxFrameDsp.firstSample(f, size, shift, config.snipEdges()));
        }
        if (config.perFeature()) {
            normalizePerFeature(out);
        }
        float[][] features = new float[frames][];
        for (int f = 0; f < frames; f++) {
            features[f] = new float[out[f].length];
            for (int b = 0; b < out[f].length; b++) {
                features[f][b] = (float) out[f][b];
            }
        }
        return features;
    }

    // Float arithmetic where kaldi-native-fbank has it (the frame, DC removal, pre-emphasis, window, power, filter
    // sums; the FFT itself runs in double): on bins that hold almost no energy (above an MP3's low-pass, below a
    // pure tone) its rounding moves log energies enough to flip a random model's near-ties.
    private double[] frame(float[] samples, long start) {
        float[] x = new float[size];
        float scale = (float) config.inputScale();
        for (int i = 0; i < size; i++) {
            x[i] = samples[SherpaOnnxFrameDsp.reflect(start + i, samples.length)] * scale;
        }
        if (config.removeDcOffset()) {
            float sum = 0;
            for (int i = 0; i < size; i++) {
                sum += x[i];
            }
            float mean = sum / size;
            for (int i = 0; i < size; i++) {
                x[i] -= mean;
            }
        }
        float p = (float) config.preemphasis();
        if (p != 0) {
            for (int i = size - 1; i > 0; i--) {
                x[i] -= p * x[i - 1];
            }
            x[0] -= p * x[0];
        }
        double[] spectrum = new double[padded];
        for (int i = 0; i < size; i++) {
            spectrum[i] = x[i] * window[i];
        }
        fft.get().realForward(spectrum);
        float[] power = new float[padded / 2 + 1];
        power[0] = square((float) spectrum[0]);
        power[padded / 2] = square((float) spectrum[1]);
        for (int k = 1; k < padded / 2; k++) {
            power[k] = square((float) spectrum[2 * k]) + square((float) spectrum[2 * k + 1]);
        }
        double[] mel = new double[banks.length];
        for (int b = 0; b < banks.length; b++) {
            float energy = 0;
            float[] w = banks[b];
            int from = bankStart[b];
            for (int k = 0; k < w.length; k++) {
                energy += w[k] * power[from + k];
            }
            mel[b] = (float) Math.log(Math.max(energy, LOG_FLOOR));
        }
        return mel;
    }

    private static float square(float v) {
        return v * v;
    }

    /** sherpa-onnx's per-feature normalisation: (x - mean) / (sqrt(max(E[x^2] - mean^2, 0)) + 1e-5) per bin. */
    static void normalizePerFeature(double[][] x) {
        if (x.length == 0) {
            return;
        }
        int bins = x[0].length;
        double[] mean = new double[bins];
        double[] square = new double[bins];
        for (double[] row : x) {
            for (int b = 0; b < bins; b++) {
                mean[b] += row[b];
                square[b] += row[b] * row[b];
            }
        }
        for (int b = 0; b < bins; b++) {
            mean[b] /= x.length;
            double var = Math.max(square[b] / x.length - mean[b] * mean[b], 0.0);
            double inv = 1.0 / (Math.sqrt(var) + STD_FLOOR);
            for (double[] row : x) {
                row[b] = (row[b] - mean[b]) * inv;
            }
        }
    }
}
