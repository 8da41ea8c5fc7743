package org.codaasr.model.features;

import java.util.Objects;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * The log-mel front end of NeMo's {@code AudioToMelSpectrogramPreprocessor} at inference (dither off), which NeMo
 * CTC models exported for sherpa-onnx expect: pre-emphasis 0.97 over the whole signal, a symmetric 25 ms Hann window
 * centred in a 512-point FFT every 10 ms with the signal zero-padded by half an FFT at both ends ({@code torch.stft},
 * {@code center=True}), the power spectrum, 80 Slaney-normalised filters on the Slaney mel scale over 0 to 8 kHz
 * (librosa's default), {@code log(mel + 2^-24)}, and, for {@code normalize_type=per_feature}, every mel bin
 * normalised over the utterance (mean, standard deviation with N-1, plus 1e-5). A pure function of the samples;
 * the whole utterance is needed for the normalisation, so it has no streaming form.
 */
public final class NemoMelSpectrogram {

    public static final int SAMPLE_RATE = 16_000;
    public static final int WINDOW = 400;
    public static final int HOP = 160;
    public static final int FFT_SIZE = 512;
    static final double PREEMPHASIS = 0.97;
    static final double LOG_GUARD = 0x1p-24;
    static final double STD_FLOOR = 1e-5;

    private final int melBins;
    private final boolean perFeature;
    private final double[] window;
    private final double[][] banks;
    private final ThreadLocal<DoubleFFT_1D> fft = ThreadLocal.withInitial(() -> new DoubleFFT_1D(FFT_SIZE));

    /**
     * @param melBins    mel filters (80 for NeMo's English conformers)
     * @param perFeature normalise each bin over the utterance ({@code normalize_type=per_feature})
     */
    public NemoMelSpectrogram(int melBins, boolean perFeature) {
        if (melBins < 1 || melBins > FFT_SIZE / 2) {
            throw new IllegalArgumentException("expected 1.." + FFT_SIZE / 2 + " mel bins, got " + melBins);
        }
        this.melBins = melBins;
        this.perFeature = perFeature;
        this.window = symmetricHann(WINDOW);
        this.banks = slaneyMelBanks(melBins, FFT_SIZE, SAMPLE_RATE, 0, SAMPLE_RATE / 2.0);
    }

    public int melBins() {
        return melBins;
    }

    public boolean perFeature() {
        return perFeature;
    }

    /** Frames for {@code samples} samples: one per hop, the first centred on sample 0. */
    public static int numFrames(int samples) {
        return samples / HOP + 1;
    }

    /** Features [frames][melBins] of 16 kHz samples in [-1, 1]. */
    public float[][] compute(float[] samples) {
        Objects.requireNonNull(samples, "samples");
        int n = samples.length;
        double[] emphasized = new double[n];
        for (int i = 0; i < n; i++) {
            emphasized[i] = i == 0 ? samples[0] : samples[i] - PREEMPHASIS * samples[i - 1];
        }
        int frames = numFrames(n);
        int pad = FFT_SIZE / 2;
        int windowOffset = (FFT_SIZE - WINDOW) / 2;
        double[][] logMel = new double[frames][melBins];
        double[] buffer = new double[FFT_SIZE];
        for (int f = 0; f < frames; f++) {
            int start = f * HOP - pad + windowOffset;
            java.util.Arrays.fill(buffer, 0.0);
            for (int i = 0; i < WINDOW; i++) {
                int s = start + i;
                if (s >= 0 && s < n) {
                    buffer[windowOffset + i] = emphasized[s] * window[i];
                }
            }
            fft.get().realForward(buffer);
            double[] power = power(buffer);
            for (int b = 0; b < melBins; b++) {
                double energy = 0;
                double[] w = banks[b];
                for (int k = 0; k < w.length; k++) {
                    energy += w[k] * power[k];
                }
                logMel[f][b] = Math.log(energy + LOG_GUARD);
            }
        }
        if (perFeature) {
            normalizePerFeature(logMel);
        }
        float[][] out = new float[frames][melBins];
        for (int f = 0; f < frames; f++) {
            for (int b = 0; b < melBins; b++) {
                out[f][b] = (float) logMel[f][b];
            }
        }
        return out;
    }

    /** Each column to zero mean and unit (N-1) standard deviation plus {@link #STD_FLOOR}, as NeMo normalises. */
    static void normalizePerFeature(double[][] x) {
        int frames = x.length;
        if (frames == 0) {
            return;
        }
        int bins = x[0].length;
        for (int b = 0; b < bins; b++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[b];
            }
            mean /= frames;
            double squares = 0;
            for (double[] row : x) {
                squares += (row[b] - mean) * (row[b] - mean);
            }
            // one frame: NeMo divides by N-1 = 0; a zero spread keeps the values finite instead
            double std = (frames > 1 ? Math.sqrt(squares / (frames - 1)) : 0) + STD_FLOOR;
            for (double[] row : x) {
                row[b] = (row[b] - mean) / std;
            }
        }
    }

    /** |X[k]|^2 for k in [0, FFT_SIZE/2] from JTransforms' packed real-FFT layout (Nyquist included). */
    private static double[] power(double[] packed) {
        int half = FFT_SIZE / 2;
        double[] p = new double[half + 1];
        p[0] = packed[0] * packed[0];
        p[half] = packed[1] * packed[1];
        for (int k = 1; k < half; k++) {
            double re = packed[2 * k];
            double im = packed[2 * k + 1];
            p[k] = re * re + im * im;
        }
        return p;
    }

    /** {@code torch.hann_window(n, periodic=False)}. */
    static double[] symmetricHann(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
        }
        return w;
    }

    /**
     * librosa's {@code filters.mel(htk=False, norm="slaney")}: triangles equally spaced on the Slaney mel scale
     * (linear below 1 kHz, logarithmic above), each scaled to unit area in Hz. Weights [melBins][fftSize/2 + 1].
     */
    static double[][] slaneyMelBanks(int melBins, int fftSize, int rate, double fMin, double fMax) {
        int bins = fftSize / 2 + 1;
        double[] hz = new double[melBins + 2];
        double lo = hzToMel(fMin);
        double hi = hzToMel(fMax);
        for (int i = 0; i < hz.length; i++) {
            hz[i] = melToHz(lo + (hi - lo) * i / (melBins + 1));
        }
        double[][] banks = new double[melBins][bins];
        for (int m = 0; m < melBins; m++) {
            double left = hz[m];
            double centre = hz[m + 1];
            double right = hz[m + 2];
            double norm = 2.0 / (right - left);
            for (int k = 0; k < bins; k++) {
                double f = (double) k * rate / fftSize;
                double up = (f - left) / (centre - left);
                double down = (right - f) / (right - centre);
                banks[m][k] = Math.max(0, Math.min(up, down)) * norm;
            }
        }
        return banks;
    }

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    static double hzToMel(double hz) {
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
    }

    static double melToHz(double mel) {
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
    }
}
